// processes/name: "How to name a process" [book ch.3].
// Shows: a process carries a name that identifies it. The first child gets the name given by
// --name, the others keep Python's default "Process-<n>", n counting the processes created (so
// the second is Process-2). The name travels to the child in its role arguments; the child gives
// it to the kernel with prctl(PR_SET_NAME), which keeps 15 characters, so `ps` and
// /proc/<pid>/comm show it too.
// The parent reads /proc/<pid>/comm while each child runs.
// Deviations: the book makes foo_process a daemon and joins neither child; here both are joined
// (daemon behaviour is processes/background). The book's text calls the process "foo_function"
// and says current_process().name gives the parent's name; it gives the caller's own.
#include "parcook/children.hpp"
#include "parcook/context.hpp"

#include <fmt/format.h>
#include <fstream>
#include <optional>
#include <sys/prctl.h>
#include <thread>

namespace parcook {
namespace {

constexpr std::size_t comm_length = 15; // TASK_COMM_LEN - 1

struct ChildArgs {
    std::string name;
    Duration sleep;
};

// The book's foo(), after telling the kernel its name.
void child(Context&, const ChildArgs& args) {
    ::prctl(PR_SET_NAME, args.name.c_str());
    child_say(args.name, "Starting " + args.name);
    std::this_thread::sleep_for(args.sleep);
    child_say(args.name, "Exiting " + args.name);
}

// Python's Process(name=...): every process created counts, named or not, and one without a
// name is called Process-<count>.
class Names {
public:
    std::string next(std::optional<std::string> given = {}) {
        ++created_;
        return given ? *given : fmt::format("Process-{}", created_);
    }

private:
    int created_ = 0;
};

std::string comm_of(pid_t pid) {
    std::string comm;
    std::getline(std::ifstream(fmt::format("/proc/{}/comm", pid)), comm);
    return comm;
}

void run(Context& ctx) {
    Names created;
    std::vector<std::string> names{created.next(ctx.text("name"))};
    while (names.size() < static_cast<std::size_t>(ctx.integer("children")))
        names.push_back(created.next());
    if (names[0].empty() || std::count(names.begin(), names.end(), names[0]) > 1 ||
        std::any_of(names[0].begin(), names[0].end(), [](char c) { return c >= 0 && c < ' '; }))
        throw UsageError(fmt::format("--name: must be printable, non-empty and differ from {}",
                                     fmt::join(names.begin() + 1, names.end(), ", ")));
    std::vector<std::string> truncated;
    for (const std::string& name : names)
        truncated.push_back(name.substr(0, comm_length));
    std::vector<Child> children;
    for (const std::string& name : names)
        children.emplace_back(ctx, name,
                              role_call("child", ChildArgs{name, ctx.duration("sleep")}));

    // While the children run, look at the name the kernel shows for each of them (it is the
    // program's name until the child has renamed itself).
    std::vector<std::string> comm(children.size());
    for (bool any = true; any;) {
        any = false;
        for (std::size_t i = 0; i < children.size(); ++i) {
            if (!children[i].running() || comm[i] == truncated[i])
                continue;
            any = true;
            comm[i] = comm_of(children[i].pid());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    std::vector<int> codes;
    for (Child& c : children)
        codes.push_back(c.wait());

    boost::json::object shown;
    for (std::size_t i = 0; i < names.size(); ++i) {
        const std::string& name = names[i];
        double started = -1, exited = -1;
        for (const TraceLine& line : ctx.result().trace) {
            if (line.who == name && line.text == "Starting " + name)
                started = line.t;
            if (line.who == name && line.text == "Exiting " + name)
                exited = line.t;
        }
        ctx.check(fmt::format("{} printed Starting then Exiting", name),
                  started >= 0 && exited > started);
        ctx.check(fmt::format("/proc/<pid>/comm of running {} is \"{}\"", name, truncated[i]),
                  comm[i] == truncated[i], fmt::format("saw \"{}\"", comm[i]));
        ctx.check(fmt::format("{} exited with code 0", name), codes[i] == 0,
                  fmt::format("exit code {}", codes[i]));
        shown[name] = comm[i].c_str();
    }
    ctx.field("comm", shown);
}

} // namespace

extern const Recipe processes_name{
    .group = "processes",
    .name = "name",
    .summary = "two child processes, one named and one with the default name Process-2",
    .book = "How to name a process [book ch.3]",
    .options = {text_option("name", "foo_process",
                            "name of the first child (15 characters "
                            "reach the kernel)"),
                duration_option("sleep", "3s", "how long each child works",
                                std::chrono::milliseconds(100)),
                integer_option("children", 2,
                               "how many children: the first takes --name, the others "
                               "Process-2, Process-3, ...",
                               2, 16)},
    .run = run,
    .tour_args = {"--sleep", "100ms"},
    .roles = {{"child", child}},
};

} // namespace parcook
