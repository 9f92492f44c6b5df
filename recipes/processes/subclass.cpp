// processes/subclass: "How to use a process in a subclass" [book ch.3].
// Shows: subclassing a Process class whose run() is the child's entry point. start() launches
// parcook itself in the recipe's "run" role; as Python's spawn start method pickles the object,
// the child rebuilds it from its class name (looked up in a small registry) and its name, then
// calls run(). Default names are "<ClassName>-<n>", n counting the processes created, so the five
// instances are MyProcess-1 .. MyProcess-5. Each is started and joined in turn, as in the book.
// Book issue: the main block is printed indented inside the class.
#include "parcook/children.hpp"
#include "parcook/context.hpp"

#include <fmt/format.h>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <unistd.h>

namespace parcook {
namespace {

// What crosses to the child: enough to rebuild the object there.
struct Pickled {
    std::string class_name, name;
};

class Process {
public:
    virtual ~Process() = default;
    const std::string& name() const { return name_; }
    void start(Context& ctx) {
        child_.emplace(ctx, name_, role_call("run", Pickled{class_, name_}));
    }
    int join() { return child_->wait(); }

    // In the child: rebuild the object the parent started, and run it.
    static void run_in_child(Context& ctx, const Pickled& object);

protected:
    explicit Process(std::string class_name)
        : class_(std::move(class_name)), name_(fmt::format("{}-{}", class_, ++created_)) {}

private:
    virtual void run() = 0; // the body executed in the child process

    inline static int created_ = 0;
    std::string class_, name_;
    std::optional<Child> child_;
};

class MyProcess : public Process {
public:
    MyProcess() : Process("MyProcess") {}

private:
    void run() override {
        child_say(name(),
                  fmt::format("called run method in process: {} (pid {})", name(), ::getpid()));
    }
};

// What the child needs to rebuild an object from its class name.
const std::map<std::string, std::function<std::unique_ptr<Process>()>> classes{
    {"MyProcess", [] { return std::make_unique<MyProcess>(); }},
};

void Process::run_in_child(Context&, const Pickled& object) {
    const auto make = classes.find(object.class_name);
    if (make == classes.end())
        throw std::runtime_error("no process class named " + object.class_name);
    std::unique_ptr<Process> p = make->second();
    p->name_ = object.name;
    p->run();
}

void run(Context& ctx) {
    const auto count = ctx.integer("processes");
    std::vector<int> codes;
    for (std::int64_t i = 0; i < count; ++i) {
        MyProcess p;
        p.start(ctx);
        codes.push_back(p.join());
    }

    std::vector<std::string> names;
    std::set<std::string> pids;
    for (const TraceLine& line : ctx.result().trace) {
        names.push_back(line.who);
        if (const auto at = line.text.find("(pid "); at != std::string::npos)
            pids.insert(line.text.substr(at));
    }
    std::vector<std::string> expected;
    for (std::int64_t i = 1; i <= count; ++i)
        expected.push_back(fmt::format("MyProcess-{}", i));
    ctx.check(fmt::format("lines from MyProcess-1 .. MyProcess-{}, in order", count),
              names == expected, fmt::format("{}", fmt::join(names, ", ")));
    ctx.check(fmt::format("{} distinct child pids, none the parent's", count),
              static_cast<std::int64_t>(pids.size()) == count &&
                  !pids.contains(fmt::format("(pid {})", ::getpid())));
    ctx.check("every child exited with code 0",
              std::all_of(codes.begin(), codes.end(), [](int c) { return c == 0; }),
              fmt::format("exit codes {}", fmt::join(codes, " ")));
    ctx.param("processes", count);
}

} // namespace

extern const Recipe processes_subclass{
    .group = "processes",
    .name = "subclass",
    .summary = "a Process subclass whose run() executes in the child, five instances",
    .book = "How to use a process in a subclass [book ch.3]",
    .options = {integer_option("processes", 5, "how many MyProcess instances", 1, 256)},
    .run = run,
    .roles = {{"run", Process::run_in_child}},
};

} // namespace parcook
