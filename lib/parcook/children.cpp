#include "parcook/children.hpp"

#include "parcook/host.hpp"
#include "parcook/parse.hpp"
#include "parcook/subprocess.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/process/v2.hpp> // header-only
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <mutex>
#include <random>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace parcook {
namespace bp = boost::process::v2;

// ---- what a signal-triggered exit must clean up (async-signal-safe data) -------------------
namespace {

constexpr std::size_t max_children = 4096;
constexpr std::size_t max_names = 256;
std::array<std::atomic<pid_t>, max_children> live_children{};

struct NameSlot {
    std::atomic<bool> used{false};
    char shm_path[200];
    char sem_path[200];
    char dir_path[200]; // removed after the two files ("" for none)
};
std::array<NameSlot, max_names> live_names;

std::atomic<bool> exiting{false}; // a fatal signal arrived: start no more children

void on_fatal_signal(int sig) {
    exiting.store(true);
    // Kill and reap every registered child. Another thread may be starting one right now (a
    // pool replacing a dead worker), so passes repeat until one finds nobody new; a child that
    // slips past the last pass still dies with this process (PR_SET_PDEATHSIG).
    pid_t handled[max_children];
    std::size_t count = 0;
    for (bool found = true; found;) {
        found = false;
        for (auto& c : live_children) {
            const pid_t p = c.load();
            if (p <= 0 || std::find(handled, handled + count, p) != handled + count)
                continue;
            ::kill(p, SIGKILL);
            ::waitpid(p, nullptr, 0); // ECHILD if a thread of ours reaped it first
            if (count < max_children)
                handled[count++] = p;
            found = true;
        }
    }
    for (auto& n : live_names) {
        if (!n.used.load())
            continue;
        ::unlink(n.shm_path);
        ::unlink(n.sem_path);
        if (n.dir_path[0])
            ::rmdir(n.dir_path);
    }
    // exit_group directly: ThreadSanitizer intercepts _exit and would turn this exit, taken
    // while relay threads still run, into a "thread leak" report and exit code 66.
    ::syscall(SYS_exit_group, 128 + sig);
}

int register_child(pid_t pid) {
    for (std::size_t i = 0; i < max_children; ++i) {
        pid_t expected = 0;
        if (live_children[i].compare_exchange_strong(expected, pid))
            return static_cast<int>(i);
    }
    return -1; // table full: the child is still killed by its destructor, not by a signal
}

void unregister_child(int slot) {
    if (slot >= 0)
        live_children[static_cast<std::size_t>(slot)].store(0);
}

// The Boost.Process executor: only used to launch; waiting is plain waitpid.
boost::asio::io_context& launch_context() {
    static boost::asio::io_context io;
    return io;
}

// Runs in the child between fork and exec. (Not vfork: Asio's fork notification would rebuild
// the parent's reactor from the child, which shares its memory.)
struct DieWithParent {
    pid_t parent;
    boost::system::error_code on_exec_setup(bp::posix::default_launcher&,
                                            const bp::filesystem::path&, const char* const*) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent)
            ::_exit(137); // the parent is already gone
        return {};
    }
};

constexpr std::size_t max_bound_fds = 16; // ChildOptions::fds

// Runs in the child between fork and exec: gives it the descriptors of ChildOptions::fds. Each
// source is first copied above every target (64 and up), so one binding cannot overwrite
// another's source.
struct BindFds {
    const std::vector<std::pair<int, int>>* fds;
    boost::system::error_code on_setup(bp::posix::default_launcher& launcher,
                                       const bp::filesystem::path&, const char* const*) {
        for (const auto& bound : *fds)
            launcher.fd_whitelist.push_back(bound.first);
        return {};
    }
    boost::system::error_code on_exec_setup(bp::posix::default_launcher&,
                                            const bp::filesystem::path&, const char* const*) {
        int high[max_bound_fds];
        const std::size_t count = std::min(fds->size(), max_bound_fds);
        for (std::size_t i = 0; i < count; ++i)
            if ((high[i] = ::fcntl((*fds)[i].second, F_DUPFD_CLOEXEC, 64)) < 0)
                return {errno, boost::system::system_category()};
        for (std::size_t i = 0; i < count; ++i)
            if (::dup2(high[i], (*fds)[i].first) < 0) // the copy made by dup2 is not close-on-exec
                return {errno, boost::system::system_category()};
        return {};
    }
};

// Boost.Process announces each fork to the launching io_context, which is not thread-safe:
// children started from several threads (a pool restarting workers) launch one at a time.
std::mutex launch_mutex;

// The relay thread starts with the cleanup signals blocked, so they are handled by a thread
// that does not race the handler: were the handler to run in the relay thread, the main thread
// could see its children die, finish the run and exit 1 before the handler's exit.
template <class F>
std::jthread start_relay_thread(F&& body) {
    sigset_t cleanup, old;
    sigemptyset(&cleanup);
    for (int sig : {SIGINT, SIGTERM, SIGHUP})
        sigaddset(&cleanup, sig);
    pthread_sigmask(SIG_BLOCK, &cleanup, &old);
    std::jthread t(std::forward<F>(body));
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    return t;
}

} // namespace

void install_cleanup_handlers() {
    static std::once_flag once;
    std::call_once(once, [] {
        struct sigaction sa {};
        sa.sa_handler = on_fatal_signal;
        sigemptyset(&sa.sa_mask);
        for (int sig : {SIGINT, SIGTERM, SIGHUP})
            sigaction(sig, &sa, nullptr);
    });
}

int exit_code_of(int status) {
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return -WTERMSIG(status);
    return -1;
}

int kill_on_signal(pid_t pid) {
    install_cleanup_handlers();
    return register_child(pid);
}

void forget_on_signal(int slot) {
    unregister_child(slot);
}

// ---- IpcName ------------------------------------------------------------------------------

IpcName::IpcName(std::string_view tag, void (*remover)(const char*))
    : remover_(remover), slot_(-1) {
    install_cleanup_handlers();
    static std::atomic<unsigned> serial{0};
    std::random_device rd;
    name_ = fmt::format("parcook-{}-{:08x}{}-{}", ::getpid(), rd(), serial++, tag);
    for (std::size_t i = 0; i < max_names; ++i) {
        bool expected = false;
        NameSlot& s = live_names[i];
        if (s.used.load() || !s.used.compare_exchange_strong(expected, true))
            continue;
        fmt::format_to_n(s.shm_path, sizeof s.shm_path - 1, "/dev/shm/{}{}", name_, '\0');
        fmt::format_to_n(s.sem_path, sizeof s.sem_path - 1, "/dev/shm/sem.{}{}", name_, '\0');
        s.dir_path[0] = '\0';
        slot_ = static_cast<int>(i);
        break;
    }
}

IpcName::~IpcName() {
    if (remover_)
        remover_(name_.c_str());
    if (slot_ >= 0)
        live_names[static_cast<std::size_t>(slot_)].used.store(false);
}

// ---- PrivateDir ---------------------------------------------------------------------------

std::string temp_directory() {
    const char* env = std::getenv("TMPDIR");
    if (!env || !*env)
        return "/tmp";
    struct stat st {};
    const char* why = nullptr;
    if (::stat(env, &st) != 0)
        why = std::strerror(errno);
    else if (!S_ISDIR(st.st_mode))
        why = "not a directory";
    else if (::access(env, W_OK | X_OK) != 0)
        why = std::strerror(errno);
    if (why)
        throw CannotRun(
            fmt::format("TMPDIR={} is not a usable directory ({})", quote_input(env), why));
    return env;
}

PrivateDir::PrivateDir(std::string_view tag, std::string_view file) {
    install_cleanup_handlers();
    std::string templ = fmt::format("{}/parcook-{}-XXXXXX", temp_directory(), tag);
    if (!::mkdtemp(templ.data())) // mode 0700
        throw CannotRun(fmt::format("cannot create a private directory {}: {}", quote_input(templ),
                                    std::strerror(errno)));
    path_ = templ;
    file_ = fmt::format("{}/{}", path_, file);
    if (path_.size() >= 199 || file_.size() >= 199)
        return; // too long for the signal table: still removed by the destructor
    for (std::size_t i = 0; i < max_names; ++i) {
        bool expected = false;
        NameSlot& s = live_names[i];
        if (s.used.load() || !s.used.compare_exchange_strong(expected, true))
            continue;
        fmt::format_to_n(s.shm_path, sizeof s.shm_path - 1, "{}{}", file_, '\0');
        s.sem_path[0] = '\0';
        fmt::format_to_n(s.dir_path, sizeof s.dir_path - 1, "{}{}", path_, '\0');
        slot_ = static_cast<int>(i);
        break;
    }
}

PrivateDir::~PrivateDir() {
    ::unlink(file_.c_str());
    ::rmdir(path_.c_str());
    if (slot_ >= 0)
        live_names[static_cast<std::size_t>(slot_)].used.store(false);
}

// ---- role arguments ----------------------------------------------------------------------
namespace {

constexpr std::size_t role_args_limit = 60 * 1024; // below a pipe's capacity: written at once

std::string role_header(const Recipe& recipe, std::string_view role) {
    return fmt::format("parcook-role 1\n{}\n{}\n", recipe.id(), role);
}

} // namespace

// A pipe whose read end holds the header and the encoded arguments, already complete; the
// child reads it once at start-up (read_role_args), then closes it.
RoleLaunch prepare_role(const Context& ctx, const RoleCall& call) {
    const std::string message = role_header(ctx.recipe(), call.role) + call.args;
    if (message.size() > role_args_limit)
        throw std::logic_error("Child: role arguments over 60 KiB");
    Pipe p = make_pipe();
    if (!write_all(p.write.get(), message))
        throw std::runtime_error("cannot hand a child its arguments");
    return {{ctx.recipe().group, ctx.recipe().name, "--role", call.role}, std::move(p.read)};
}

std::string read_role_args(const Recipe& recipe, std::string_view role) {
    std::string message;
    char buf[4096];
    for (;;) {
        const ssize_t got = ::read(role_args_fd, buf, sizeof buf);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0 || message.size() > role_args_limit)
            break;
        message.append(buf, static_cast<std::size_t>(got));
    }
    ::close(role_args_fd);
    const std::string header = role_header(recipe, role);
    if (message.size() > role_args_limit || !message.starts_with(header))
        throw UsageError(
            "--role: internal to parcook's own child processes, not an option to give");
    return message.substr(header.size());
}

// ---- Child --------------------------------------------------------------------------------

struct Child::State {
    Context* ctx;
    std::string name;
    ChildOptions options;
    pid_t pid = -1;
    int slot = -1;
    std::optional<int> code;
    std::jthread relay;

    void relay_lines(int fd) {
        std::string pending;
        char buf[4096];
        for (;;) {
            const ssize_t got = ::read(fd, buf, sizeof buf);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0)
                break;
            pending.append(buf, static_cast<std::size_t>(got));
            for (std::size_t nl; (nl = pending.find('\n')) != std::string::npos;) {
                forward(std::string_view(pending).substr(0, nl));
                pending.erase(0, nl + 1);
            }
        }
        if (!pending.empty())
            forward(pending);
        ::close(fd);
    }

    void forward(std::string_view line) { relay_line(*ctx, name, line); }

    void reaped(int status) {
        code = exit_code_of(status);
        unregister_child(slot);
        slot = -1;
    }
};

Child::Child(Context& ctx, std::string name, RoleCall call, ChildOptions options)
    : Child(ctx, std::move(name), prepare_role(ctx, call), std::move(options)) {}

Child::Child(Context& ctx, std::string name, RoleLaunch role, ChildOptions options)
    : state_(std::make_unique<State>()) {
    install_cleanup_handlers();
    State& s = *state_;
    s.ctx = &ctx;
    s.name = std::move(name);
    options.fds.emplace_back(role_args_fd, role.role_args.get());
    s.options = options;

    if (options.fds.size() > max_bound_fds)
        throw std::invalid_argument(
            fmt::format("Child: at most {} inherited descriptors", max_bound_fds));
    if (exiting.load())
        throw std::runtime_error("not starting " + s.name + ": parcook is exiting");
    // pipes here; in the child, BindFds moves the inherited descriptors above 64 first
    require_descriptors(16, "starting a child process", 64 + max_bound_fds);
    const std::vector<std::string>& args = role.args;
    const bool relay = options.relay_output && !options.detached;
    int out[2] = {-1, -1};
    if (relay && ::pipe2(out, O_CLOEXEC) != 0)
        throw std::runtime_error("pipe2 failed: " + std::string(std::strerror(errno)));

    boost::system::error_code ec;
    auto launch = [&](auto&& stdio) {
        std::lock_guard lock(launch_mutex);
        bp::posix::default_launcher launcher;
        return options.die_with_parent
                   ? launcher(launch_context(), ec, self_exe(), args, stdio,
                              BindFds{&s.options.fds}, DieWithParent{::getpid()})
                   : launcher(launch_context(), ec, self_exe(), args, stdio,
                              BindFds{&s.options.fds});
    };
    // A detached child belongs to no one: it holds none of the parent's pipes or terminal, so
    // whoever reads the parent's output sees its end when the parent exits.
    auto proc = options.detached
                    ? launch(bp::process_stdio{nullptr, nullptr, nullptr})
                    : launch(bp::process_stdio{{}, relay ? out[1] : STDOUT_FILENO, {}});
    if (relay)
        ::close(out[1]);
    if (ec) {
        if (relay)
            ::close(out[0]);
        throw std::runtime_error(fmt::format("cannot start child {}: {}", s.name, ec.message()));
    }
    s.pid = proc.id();
    proc.detach(); // from here on the lifecycle is plain POSIX: waitpid and kill, like Python's
    if (!options.detached)
        s.slot = register_child(s.pid);
    if (relay)
        s.relay = start_relay_thread([&s, fd = out[0]] { s.relay_lines(fd); });
}

Child::Child(Child&&) noexcept = default;
Child& Child::operator=(Child&&) noexcept = default;

Child::~Child() {
    if (!state_)
        return;
    if (!state_->options.detached && !state_->code) {
        ::kill(state_->pid, SIGKILL);
        wait();
    }
    if (state_->relay.joinable())
        state_->relay.join();
}

pid_t Child::pid() const {
    return state_->pid;
}
const std::string& Child::name() const {
    return state_->name;
}

bool Child::running() {
    if (state_->code)
        return false;
    int status = 0;
    const pid_t r = ::waitpid(state_->pid, &status, WNOHANG);
    if (r == state_->pid)
        state_->reaped(status);
    return r == 0;
}

int Child::wait() {
    if (!state_->code) {
        int status = 0;
        pid_t r;
        while ((r = ::waitpid(state_->pid, &status, 0)) < 0 && errno == EINTR) {
        }
        if (r == state_->pid)
            state_->reaped(status);
        else
            state_->code = -1;
    }
    if (state_->relay.joinable())
        state_->relay.join(); // all of its lines are in the trace
    return *state_->code;
}

std::optional<int> Child::wait_for(Duration timeout) {
    const auto deadline = Stopwatch::clock::now() + timeout;
    auto pause = std::chrono::microseconds(50);
    while (running()) {
        if (Stopwatch::clock::now() >= deadline)
            return std::nullopt;
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::microseconds(5000));
    }
    return wait();
}

void Child::request_exit() {
    if (!state_->code)
        ::kill(state_->pid, SIGTERM);
}
void Child::interrupt() {
    if (!state_->code)
        ::kill(state_->pid, SIGINT);
}
void Child::kill() {
    if (!state_->code)
        ::kill(state_->pid, SIGKILL);
}

void relay_line(Context& ctx, std::string_view fallback_who, std::string_view line) {
    if (auto said = parse_child_line(line))
        ctx.say(said->who, said->text, said->at);
    else
        ctx.say(fallback_who, line);
}

// ---- child side ---------------------------------------------------------------------------

void child_say(std::string_view who, std::string_view text, int fd) {
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                        Stopwatch::clock::now().time_since_epoch())
                        .count();
    const std::string line = fmt::format("{}\t{}\t{}\n", ns, who, text);
    [[maybe_unused]] auto written = ::write(fd, line.data(), line.size());
}

std::optional<ChildLine> parse_child_line(std::string_view line) {
    const auto tab1 = line.find('\t');
    const auto tab2 = tab1 == std::string_view::npos ? tab1 : line.find('\t', tab1 + 1);
    long long ns = 0;
    if (tab2 == std::string_view::npos ||
        std::sscanf(std::string(line.substr(0, tab1)).c_str(), "%lld", &ns) != 1)
        return std::nullopt;
    return ChildLine{Stopwatch::clock::time_point{std::chrono::nanoseconds(ns)},
                     std::string(line.substr(tab1 + 1, tab2 - tab1 - 1)),
                     std::string(line.substr(tab2 + 1))};
}

} // namespace parcook
