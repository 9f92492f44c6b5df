// Starting an MPI job (launch.hpp): the launcher's variables, --np, and the commands to suggest.
#include "mpi/support/launch.hpp"

#include "parcook/host.hpp"
#include "parcook/mpi_library.hpp"
#include "parcook/subprocess.hpp"

#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <optional>
#include <spdlog/spdlog.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace parcook::mpi {
namespace {

// A whole number in the variable, if it is set to one.
std::optional<long> env_number(const char* name) {
    const char* v = std::getenv(name);
    if (!v || !*v)
        return std::nullopt;
    char* end = nullptr;
    errno = 0;
    const long n = std::strtol(v, &end, 10);
    return *end == '\0' && errno == 0 && n >= 0 ? std::optional(n) : std::nullopt;
}

[[noreturn]] void refuse_variable(const char* name, std::string_view expected) {
    throw UsageError(fmt::format(
        "{}={}: expected {}; this variable is set by MPI launchers: unset it, or start parcook "
        "with mpiexec or --np",
        name, quote_input(std::getenv(name)), expected));
}

// The variables MPICH's PMI client and Hydra read or set.
void check_numbers(const char* index, const char* count) {
    const bool has_index = std::getenv(index), has_count = std::getenv(count);
    const auto i = env_number(index), n = env_number(count);
    if (has_count && (!n || *n < 1))
        refuse_variable(count, "a count of at least 1");
    if (has_index && !i)
        refuse_variable(index, "a whole number from 0");
    if (i && n && *i >= *n)
        refuse_variable(index, fmt::format("a number below {}={}", count, *n));
}

// Set by a launcher for the processes it starts.
constexpr std::array launcher_variables{
    "PMI_RANK", "PMI_FD", "PMI_PORT", "PMIX_RANK", "OMPI_COMM_WORLD_SIZE", "MV2_COMM_WORLD_SIZE"};

// What the launcher's environment says about the job when MPICH sees a world of one rank.
struct LauncherSays {
    std::string variable, value, ranks; // ranks: the size, or "N" when only a rank is known
};
std::optional<LauncherSays> launcher_says_more() {
    for (const char* v :
         {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "MV2_COMM_WORLD_SIZE", "SLURM_STEP_NUM_TASKS"})
        if (auto n = env_number(v); n && *n > 1)
            return LauncherSays{v, std::getenv(v), std::to_string(*n)};
    for (const char* v : {"OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK", "MV2_COMM_WORLD_RANK"})
        if (auto n = env_number(v); n && *n > 0)
            return LauncherSays{v, std::getenv(v), "N"};
    return std::nullopt;
}

std::string shell_quote(const std::string& s) {
    if (!s.empty() && s.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                          "0123456789_@%+=:,./-") == std::string::npos)
        return s;
    std::string q = "'";
    for (char c : s)
        q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

// `mpiexec -n <ranks> parcook mpi <recipe> <the same arguments without --np>`.
std::vector<std::string> launch_command(const Context& ctx, const std::string& ranks) {
    std::vector<std::string> argv{mpiexec_path(),   "-n", ranks, self_exe(), ctx.recipe().group,
                                  ctx.recipe().name};
    const auto& args = ctx.args();
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--np") {
            ++i; // and its value
        } else if (!args[i].starts_with("--np=")) {
            argv.push_back(args[i]);
        }
    }
    return argv;
}

// The launcher of a --np run, and the signal that asked parcook to end it.
volatile std::sig_atomic_t launcher = 0;
volatile std::sig_atomic_t ending_signal = 0;
constexpr std::array forwarded{SIGINT, SIGTERM, SIGHUP};
// How long mpiexec may take to end its ranks after a forwarded signal before it is killed.
constexpr auto teardown_limit = std::chrono::seconds(10);

void forward(int sig) {
    ending_signal = sig;
    if (launcher > 0)
        ::kill(static_cast<pid_t>(launcher), sig); // Hydra ends every rank on each of them
}

// Starts the launcher with a parent-death signal (async-signal-safe calls only after fork).
pid_t start_launcher(std::vector<char*>& args) {
    int report[2];
    if (::pipe2(report, O_CLOEXEC) != 0)
        throw CannotRun(fmt::format("cannot start {}: {}", args[0], std::strerror(errno)));
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(report[0]);
        struct sigaction dfl {};
        dfl.sa_handler = SIG_DFL;
        for (int sig : forwarded)
            ::sigaction(sig, &dfl, nullptr);
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() != parent) // parcook died before the line above
            ::_exit(128 + SIGTERM);
        ::execve(args[0], args.data(), environ);
        const int error = errno;
        [[maybe_unused]] auto n = ::write(report[1], &error, sizeof error);
        ::_exit(127);
    }
    ::close(report[1]);
    int error = pid < 0 ? errno : 0;
    if (pid > 0 && ::read(report[0], &error, sizeof error) != sizeof error)
        error = 0; // closed on exec: it started
    ::close(report[0]);
    if (error != 0) {
        if (pid > 0)
            ::waitpid(pid, nullptr, 0);
        throw CannotRun(fmt::format("cannot start {}: {}", args[0], std::strerror(error)));
    }
    return pid;
}

// Waits for the launcher; after a forwarded signal, at most teardown_limit, then kills it.
int wait_launcher(pid_t pid) {
    std::optional<std::chrono::steady_clock::time_point> deadline;
    int status = 0;
    for (;;) {
        const pid_t r = ::waitpid(pid, &status, ending_signal ? WNOHANG : 0);
        if (r == pid)
            break;
        if (r < 0 && errno != EINTR)
            return 128 + SIGTERM;
        if (ending_signal) {
            const auto now = std::chrono::steady_clock::now();
            if (!deadline)
                deadline = now + teardown_limit;
            if (now >= *deadline) {
                spdlog::error("{} did not end its ranks within {} s: killing it", mpiexec_path(),
                              teardown_limit.count());
                ::kill(pid, SIGKILL);
                deadline = now + std::chrono::hours(1);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    }
    if (ending_signal)
        return 128 + ending_signal;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

} // namespace

void check_launcher_environment() {
    check_numbers("PMI_RANK", "PMI_SIZE");
    check_numbers("MPI_LOCALRANKID", "MPI_LOCALNRANKS");
    for (const char* v : {"PMI_SPAWNED", "PMI_DEBUG", "PMI_APPNUM"})
        if (std::getenv(v) && !env_number(v))
            refuse_variable(v, "a whole number from 0");
    if (std::getenv("PMI_FD")) {
        const auto fd = env_number("PMI_FD");
        struct stat st {};
        if (!fd || *fd > INT32_MAX || ::fstat(static_cast<int>(*fd), &st) != 0 ||
            !S_ISSOCK(st.st_mode)) // hydra passes one end of a socket pair
            refuse_variable("PMI_FD", "an open socket to the launcher");
    }
    if (const char* port = std::getenv("PMI_PORT")) {
        const std::string_view p(port);
        const auto colon = p.rfind(':');
        const std::string number(colon == std::string_view::npos ? "" : p.substr(colon + 1));
        char* end = nullptr;
        const long n = number.empty() ? 0 : std::strtol(number.c_str(), &end, 10);
        if (colon == 0 || number.empty() || *end != '\0' || n < 1 || n > 65535)
            refuse_variable("PMI_PORT", "host:port of the launcher");
    }
}

bool under_launcher() {
    for (const char* v : launcher_variables)
        if (std::getenv(v))
            return true;
    return false;
}

bool secondary_rank() {
    const auto rank = env_number("PMI_RANK");
    return rank && *rank > 0 && (std::getenv("PMI_FD") || std::getenv("PMI_PORT"));
}

std::string command_text(const Context& ctx, const std::string& ranks) {
    std::string text;
    for (const std::string& a : launch_command(ctx, ranks))
        text += (text.empty() ? "" : " ") + shell_quote(a);
    return text;
}

void relaunch(const Context& ctx, std::int64_t np) {
    // the launcher inherits the limit and holds pipes and sockets for every rank
    require_descriptors(8 * static_cast<std::uint64_t>(np) + 32,
                        fmt::format("mpiexec with {} ranks", np));
    std::vector<std::string> argv = launch_command(ctx, std::to_string(np));
    spdlog::debug("launching {}", command_text(ctx, std::to_string(np)));
    std::vector<char*> args;
    for (std::string& a : argv)
        args.push_back(a.data());
    args.push_back(nullptr);
    std::fflush(stdout);

    // The handlers are in place before the launcher exists: no signal is lost in between.
    struct sigaction sa {};
    sa.sa_handler = forward;
    sigemptyset(&sa.sa_mask);
    for (int sig : forwarded)
        ::sigaction(sig, &sa, nullptr);
    sigset_t block, old;
    sigemptyset(&block);
    for (int sig : forwarded)
        sigaddset(&block, sig);
    ::sigprocmask(SIG_BLOCK, &block, &old);
    pid_t pid = -1;
    try {
        pid = start_launcher(args);
    } catch (...) {
        ::sigprocmask(SIG_SETMASK, &old, nullptr);
        throw;
    }
    launcher = pid;
    ::sigprocmask(SIG_SETMASK, &old, nullptr); // a signal that came meanwhile is forwarded now
    throw ExitNow{wait_launcher(pid)};
}

void refuse_foreign_launcher(const Context& ctx, int size) {
    if (size != 1)
        return;
    if (auto says = launcher_says_more())
        throw UsageError(fmt::format(
            "started by a launcher that is not MPICH's ({}={} means {} ranks): this parcook is "
            "linked with MPICH, so every copy would run alone as a 1-rank job; run: {}",
            says->variable, says->value, says->ranks, command_text(ctx, says->ranks)));
}

} // namespace parcook::mpi
