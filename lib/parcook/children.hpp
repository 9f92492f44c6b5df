// Child processes of parcook itself and the guarantee that nothing is left behind.
//
// A child is the running binary re-executed in one of the recipe's roles (Recipe::roles; the
// analog of Python's spawn start method): `parcook <group> <recipe> --role <role>`, started
// with Boost.Process v2, its typed arguments on a private descriptor.
// Its trace lines travel back over a pipe into the parent's record, stamped with the time the
// child wrote them (steady_clock is system-wide). On SIGINT, SIGTERM or SIGHUP the parent kills
// and reaps every live child, unlinks every IPC object it registered and exits 128 + signal.
#pragma once
#include "parcook/context.hpp"
#include "parcook/frames.hpp"

#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>
#include <utility>
#include <vector>

namespace parcook {

// Python's Process.exitcode from a wait status: the exit status, or -signal if killed.
int exit_code_of(int wait_status);

struct ChildOptions {
    bool relay_output = true; // the child's child_say() lines join the parent's trace
    // PR_SET_PDEATHSIG: the child is killed if the parent dies. Linux ties this to the thread
    // that started the child, so start children from threads that outlive them.
    bool die_with_parent = true;
    bool detached = false; // fire and forget: not killed by cleanup, not waited for,
                           // stdin/stdout/stderr on /dev/null (nothing is relayed)
    // Descriptors the child inherits: {number in the child, descriptor here}, e.g. {0, pipe_read}
    // makes a pipe its stdin. Use 0 and 3, 4, ... (every other descriptor is closed in the child).
    std::vector<std::pair<int, int>> fds{};
};

// What a child is started as: a role of the running recipe (Recipe::roles) and its arguments,
// e.g. role_call("child", ChildArgs{.name = "Process-1", .sleep = 1s}).
struct RoleCall {
    std::string role;
    std::string args; // encoded (encode.hpp)
};
template <class Args>
RoleCall role_call(std::string role, const Args& args) {
    RoleCall call{std::move(role), {}};
    put(call.args, args);
    return call;
}

// For a role started another way than by Child (exec, a shell): the arguments after the program
// name, `<group> <recipe> --role <role>`, and the descriptor that must be the new process's
// role_args_fd when it starts (dup2 it there; the copy dup2 makes is inherited).
inline constexpr int role_args_fd = 63;
struct RoleLaunch {
    std::vector<std::string> args;
    Fd role_args;
};
RoleLaunch prepare_role(const Context& ctx, const RoleCall& call);

class Child {
public:
    // Starts `parcook <group> <recipe> --role <role>` for the running recipe; the arguments
    // travel on a private descriptor, never on the command line, and reach the role function
    // as its typed struct.
    // `name` tags the relayed lines when the child writes plain text, not child_say() records.
    Child(Context& ctx, std::string name, RoleCall call, ChildOptions options = {});
    ~Child(); // a child still running is killed (SIGKILL) and reaped, unless detached
    Child(Child&&) noexcept;
    Child& operator=(Child&&) noexcept;

    pid_t pid() const;
    const std::string& name() const;
    bool running();                                // reaps the child if it has exited
    int wait();                                    // Python-style exit code
    std::optional<int> wait_for(Duration timeout); // nothing if still running at the timeout
    void request_exit();                           // SIGTERM (Python's terminate())
    void interrupt();                              // SIGINT
    void kill();                                   // SIGKILL (Python's kill())

private:
    Child(Context& ctx, std::string name, RoleLaunch role, ChildOptions options);
    struct State;
    std::unique_ptr<State> state_;
};

// --- in a child role ---------------------------------------------------------------------
// The encoded arguments of this process's role, as its parent sent them. Throws UsageError when
// there are none (--role given by hand): roles are reachable only through Child.
std::string read_role_args(const Recipe& recipe, std::string_view role);

// One trace line to the parent: "<steady ns>\t<who>\t<text>\n" in a single write, to stdout
// (which the parent relays) or to `fd` (e.g. a log file that detached children append to).
void child_say(std::string_view who, std::string_view text, int fd = 1);

// A line written by child_say(), read back; nothing if the line has another form.
struct ChildLine {
    Stopwatch::clock::time_point at;
    std::string who, text;
};
std::optional<ChildLine> parse_child_line(std::string_view line);
// The parent's side: adds a line written by child_say() to ctx's trace with the child's time
// stamp (any other line becomes `fallback_who`'s text). Child does this for its own children;
// it is public for children started another way (e.g. fork()).
void relay_line(Context& ctx, std::string_view fallback_who, std::string_view line);

// --- IPC objects that are removed on every exit path ---------------------------------------
// A name unique to this run ("parcook-<pid>-<random>-<tag>", valid for shm, message queues and
// named semaphores). While it lives, a signal-triggered exit unlinks /dev/shm/<name> and
// /dev/shm/sem.<name>; its destructor calls `remover` (e.g. shared_memory_object::remove).
class IpcName {
public:
    IpcName(std::string_view tag, void (*remover)(const char* name));
    ~IpcName();
    IpcName(const IpcName&) = delete;
    IpcName& operator=(const IpcName&) = delete;
    const std::string& str() const { return name_; }
    const char* c_str() const { return name_.c_str(); }

private:
    std::string name_;
    void (*remover_)(const char*);
    int slot_;
};

// $TMPDIR, or /tmp where it is unset or empty; CannotRun naming TMPDIR and the reason where it
// is not a directory this process can create files in.
std::string temp_directory();

// A private directory (mode 0700, under temp_directory()) holding one file, e.g. a server's unix
// socket: removed with the file by the destructor and by a signal-triggered exit, like IpcName.
class PrivateDir {
public:
    PrivateDir(std::string_view tag, std::string_view file);
    ~PrivateDir();
    PrivateDir(const PrivateDir&) = delete;
    PrivateDir& operator=(const PrivateDir&) = delete;
    const std::string& path() const { return path_; }
    const std::string& file() const { return file_; } // path()/file
private:
    std::string path_, file_;
    int slot_ = -1;
};

// A process started some other way than Child (an external server, e.g. redis-server): a
// signal-triggered exit kills and reaps it with the children. forget_on_signal(slot) once it
// has been reaped (slot -1: the table was full).
int kill_on_signal(pid_t pid);
void forget_on_signal(int slot);

// Installs the SIGINT/SIGTERM/SIGHUP cleanup handlers (idempotent; Child and IpcName call it).
void install_cleanup_handlers();

} // namespace parcook
