// processes/spawn: "How to spawn a process" [book ch.3].
// Shows: creating child processes. Each child is parcook itself re-executed with a hidden
// --role (Python's spawn start method); it prints one line and exits, and the parent joins it.
// Book issue: the book joins inside the start loop, which runs the children one after another;
// that stays the default (it is what the book's code does) and --concurrent starts all five
// before joining any, so their lifetimes overlap.
#include "parcook/children.hpp"
#include "parcook/context.hpp"

#include <fmt/format.h>
#include <set>
#include <thread>
#include <unistd.h>

namespace parcook {
namespace {

// The child's whole program: the book's foo(i).
void child(Context& ctx) {
    const auto i = ctx.integer("index");
    child_say(fmt::format("Process-{}", i + 1), fmt::format("called function in process: {}", i));
    std::this_thread::sleep_for(ctx.duration("sleep"));
    child_say(fmt::format("Process-{}", i + 1), fmt::format("pid {} done", ::getpid()));
    throw ExitNow{0};
}

void run(Context& ctx) {
    if (ctx.text("role") == "child")
        child(ctx);
    const auto count = ctx.integer("children");
    const bool concurrent = ctx.flag("concurrent");

    auto start = [&](std::int64_t i) {
        return Child(ctx, fmt::format("Process-{}", i + 1),
                     {"--role", "child", "--index", std::to_string(i), "--sleep",
                      fmt::format("{}ns", ctx.duration("sleep").count())});
    };
    std::vector<int> codes;
    if (concurrent) {
        std::vector<Child> children;
        for (std::int64_t i = 0; i < count; ++i)
            children.push_back(start(i));
        for (Child& c : children)
            codes.push_back(c.wait());
    } else {
        for (std::int64_t i = 0; i < count; ++i)
            codes.push_back(start(i).wait());
    }

    // Read the trace back: which index each line names, in order, and when each child lived.
    std::vector<std::int64_t> order;
    std::set<std::string> pids;
    std::vector<double> begin(static_cast<std::size_t>(count)), end(begin);
    for (const TraceLine& line : ctx.result().trace) {
        const auto i = std::stoll(line.who.substr(line.who.find('-') + 1)) - 1;
        if (line.text.starts_with("called function")) {
            order.push_back(i);
            begin[static_cast<std::size_t>(i)] = line.t;
        } else {
            pids.insert(line.text.substr(4, line.text.find(' ', 4) - 4));
            end[static_cast<std::size_t>(i)] = line.t;
        }
    }
    std::vector<std::int64_t> sorted_order = order;
    std::sort(sorted_order.begin(), sorted_order.end());
    bool each_once = static_cast<std::int64_t>(order.size()) == count;
    for (std::int64_t i = 0; each_once && i < count; ++i)
        each_once = sorted_order[i] == i;
    ctx.check("each index printed exactly once", each_once, fmt::format("{} lines", order.size()));
    ctx.check("every child exited with code 0",
              std::all_of(codes.begin(), codes.end(), [](int c) { return c == 0; }));
    ctx.check("each child ran in its own process",
              static_cast<std::int64_t>(pids.size()) == count &&
                  !pids.contains(std::to_string(::getpid())));
    const double last_begin = *std::max_element(begin.begin(), begin.end());
    const double first_end = *std::min_element(end.begin(), end.end());
    if (concurrent) {
        ctx.check("the children's lifetimes overlap", count < 2 || last_begin < first_end,
                  fmt::format("last start {:.4f} s, first end {:.4f} s", last_begin, first_end));
    } else {
        ctx.check("children ran in order 0..n-1", order == sorted_order);
    }
    ctx.param("children", count);
    ctx.param("concurrent", concurrent);
}

} // namespace

extern const Recipe processes_spawn{
    .group = "processes",
    .name = "spawn",
    .summary = "start child processes that each print their index, and join them",
    .book = "How to spawn a process [book ch.3]",
    .options = {integer_option("children", 5, "how many child processes", 1, 256),
                flag_option("concurrent", "start all children before joining any"),
                duration_option("sleep", "0", "time each child works before exiting"),
                hidden_option(text_option("role", "", "internal: the part this process plays")),
                hidden_option(integer_option("index", 0, "internal: the child's index", 0, 255))},
    .run = run,
    .tour_args = {"--concurrent", "--sleep", "50ms"},
};

} // namespace parcook
