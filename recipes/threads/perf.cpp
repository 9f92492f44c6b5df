// threads/perf: "Evaluating the performance of multithread applications" [book ch.2].
// Shows: what threads buy for four kinds of work. The book's harness calls a body either N times
// in a row (non_threaded) or once in each of N new threads (threaded), N = 1, 2, 4, 8, and keeps
// the best of --repeat timings. Bodies: empty (the cost of a thread), a Fibonacci loop on uint64
// (CPU-bound), reading a file the recipe creates in 1 KiB blocks, and a fixed I/O latency
// (--fetches sleeps of --latency) standing in for the book's web fetch. Real C++ threads speed up
// the CPU body too; `--gil` adds a second table under an emulated GIL (gil.hpp): each thread holds
// one global mutex while it computes and drops it around each read and sleep, which reproduces
// Python's picture (CPU-bound: no gain; I/O-bound: gain) next to the real one.
// Deviations: no network (a sleep is the latency); the Fibonacci loop runs --fib-steps
// 1e7 times by default (the book's 10,000 take a few microseconds in C++, less than starting a
// thread); best of 3 instead of 100.
#include "gil.hpp"
#include "parcook/children.hpp"
#include "parcook/context.hpp"
#include "parcook/parse.hpp"

#include <array>
#include <boost/json/value_from.hpp>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <thread>
#include <unistd.h>

namespace parcook {
namespace {

enum class Body { empty, fib, file, latency };
constexpr std::array bodies{Body::empty, Body::fib, Body::file, Body::latency};
constexpr std::array<const char*, 4> body_names{"empty", "fib", "file", "latency"};
constexpr std::array<unsigned, 4> counts{1, 2, 4, 8};
constexpr std::size_t block_size = 1024;

// The temporary file of the file body: created on construction, removed on destruction.
class TempFile {
public:
    explicit TempFile(std::uint64_t blocks) {
        path_ = temp_directory() + "/parcook-perf-XXXXXX";
        const int fd = ::mkstemp(path_.data());
        if (fd < 0)
            throw CannotRun(fmt::format("threads/perf: cannot create a temporary file in {}: {}",
                                        quote_input(path_), std::strerror(errno)));
        const std::string block(block_size, 'x');
        bool ok = true;
        for (std::uint64_t i = 0; i < blocks && ok; ++i)
            ok = ::write(fd, block.data(), block.size()) == static_cast<ssize_t>(block.size());
        ::close(fd);
        if (!ok) {
            std::filesystem::remove(path_);
            throw CannotRun("threads/perf: cannot write the temporary file");
        }
    }
    ~TempFile() { std::filesystem::remove(path_); }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

struct Work {
    std::uint64_t fib_steps, blocks, fetches;
    Duration latency;
    std::string path;
};

// a, b = b, a + b on uint64 (wrapping); the asm keeps each step, so N calls cost N loops.
std::uint64_t fib_loop(std::uint64_t steps) {
    std::uint64_t a = 0, b = 1;
    for (std::uint64_t i = 0; i < steps; ++i) {
        a = std::exchange(b, a + b);
        asm volatile("" : "+r"(a), "+r"(b));
    }
    return a;
}

std::uint64_t read_file(const Work& w, gil::HoldGil& gil) {
    const int fd = ::open(w.path.c_str(), O_RDONLY);
    if (fd < 0)
        return 0;
    char buffer[block_size];
    std::uint64_t total = 0;
    for (std::uint64_t i = 0; i < w.blocks; ++i) {
        gil::ReleaseGil blocking_call(gil); // CPython drops the GIL around read()
        const ssize_t got = ::read(fd, buffer, sizeof buffer);
        if (got <= 0)
            break;
        total += static_cast<std::uint64_t>(got);
    }
    ::close(fd);
    return total;
}

// One call of the book's function_to_run; returns what it produced, to be checked.
std::uint64_t call(Body body, const Work& w, gil::HoldGil& gil) {
    switch (body) {
    case Body::empty:
        return 0;
    case Body::fib:
        return fib_loop(w.fib_steps);
    case Body::file:
        return read_file(w, gil);
    case Body::latency:
        for (std::uint64_t i = 0; i < w.fetches; ++i) {
            gil::ReleaseGil blocking_call(gil);
            std::this_thread::sleep_for(w.latency);
        }
        return w.fetches;
    }
    return 0;
}

std::uint64_t non_threaded(Body body, unsigned n, const Work& w, bool with_gil) {
    gil::HoldGil gil(with_gil);
    std::uint64_t total = 0;
    for (unsigned i = 0; i < n; ++i)
        total += call(body, w, gil);
    return total;
}

std::uint64_t threaded(Body body, unsigned n, const Work& w, bool with_gil) {
    std::vector<std::uint64_t> results(n);
    {
        std::vector<std::jthread> threads;
        for (unsigned i = 0; i < n; ++i)
            threads.emplace_back([&, i] {
                gil::HoldGil gil(with_gil);
                results[i] = call(body, w, gil);
            });
    }
    std::uint64_t total = 0;
    for (std::uint64_t r : results)
        total += r;
    return total;
}

// The best times of one GIL setting.
struct Table {
    double seconds[2][bodies.size()][counts.size()] = {}; // [threaded][body][index in counts]
    bool results_ok = true; // every run returned n x the single-call value

    double& at(bool threaded, Body body, std::size_t k) {
        return seconds[threaded][static_cast<std::size_t>(body)][k];
    }
    double ratio(Body body, std::size_t k) { return at(true, body, k) / at(false, body, k); }
    // {"empty": {"non_threaded": [s for 1, 2, 4, 8], "threaded": [...]}, ...}
    boost::json::object to_json() {
        boost::json::object table;
        for (Body body : bodies) {
            boost::json::object modes;
            for (bool threaded : {false, true}) {
                boost::json::array times;
                for (std::size_t k = 0; k < counts.size(); ++k)
                    times.push_back(at(threaded, body, k));
                modes[threaded ? "threaded" : "non_threaded"] = std::move(times);
            }
            table[body_names[static_cast<std::size_t>(body)]] = std::move(modes);
        }
        return table;
    }
};

// timeit's repeat(R, number=1) and min(): the best of ctx.measure's timed runs.
double best_of(Context& ctx, std::uint64_t expected, bool& results_ok, auto&& run) {
    return ctx.measure([&] { results_ok = run() == expected && results_ok; }).min;
}

void run(Context& ctx) {
    const Duration latency = ctx.duration("latency");
    if (latency <= Duration::zero())
        throw UsageError("--latency: must be greater than 0");
    const auto blocks = static_cast<std::uint64_t>(ctx.integer("blocks"));
    TempFile file(blocks);
    const Work work{ctx.count("fib-steps"), blocks,
                    static_cast<std::uint64_t>(ctx.integer("fetches")), latency, file.path()};
    const std::array<std::uint64_t, bodies.size()> one_call{0, fib_loop(work.fib_steps),
                                                            blocks * block_size, work.fetches};

    std::vector<Table> tables(ctx.flag("gil") ? 2 : 1); // [0]: real threads, [1]: with the GIL
    for (Body body : bodies) {
        const auto b = static_cast<std::size_t>(body);
        for (bool threaded_mode : {false, true}) {
            for (std::size_t k = 0; k < counts.size(); ++k) {
                const unsigned n = counts[k];
                std::string line = threaded_mode ? fmt::format("threaded ({} threads)", n)
                                                 : fmt::format("non_threaded ({} iters)", n);
                for (std::size_t g = 0; g < tables.size(); ++g) {
                    const double best = best_of(ctx, n * one_call[b], tables[g].results_ok, [&] {
                        return threaded_mode ? threaded(body, n, work, g == 1)
                                             : non_threaded(body, n, work, g == 1);
                    });
                    tables[g].at(threaded_mode, body, k) = best;
                    line = fmt::format("{:<24}{}{:>10}", line, g ? "  with GIL" : "",
                                       format_seconds(best));
                }
                ctx.say(body_names[b], line);
            }
        }
    }
    ctx.result().timing.reset(); // 64 configurations: their best times are in `seconds`
    ctx.param("fib_steps", work.fib_steps);
    ctx.param("blocks", blocks);
    ctx.param("fetches", work.fetches);
    ctx.param("latency_seconds", to_seconds(latency));
    ctx.field("threads", boost::json::value_from(counts));
    ctx.field("seconds", tables[0].to_json());
    if (tables.size() == 2)
        ctx.field("gil_seconds", tables[1].to_json());

    const std::size_t two = 1, eight = 3; // indices in counts
    ctx.metric("thread_start_cost",
               (tables[0].at(true, Body::empty, eight) - tables[0].at(false, Body::empty, eight)) /
                   8 * 1e6,
               "us");
    for (std::size_t g = 0; g < tables.size(); ++g) {
        const std::string suffix = g ? "_gil" : "";
        ctx.metric("cpu_ratio_2" + suffix, tables[g].ratio(Body::fib, two), "x");
        ctx.metric("file_ratio_2" + suffix, tables[g].ratio(Body::file, two), "x");
        ctx.metric("latency_ratio_8" + suffix, tables[g].ratio(Body::latency, eight), "x");
    }
    ctx.headline("cpu_ratio_2");

    bool results_ok = true, empty_costs = true, latency_gain = true;
    std::string not_slower, latency_detail;
    for (std::size_t g = 0; g < tables.size(); ++g) {
        results_ok = results_ok && tables[g].results_ok;
        for (std::size_t k = 0; k < counts.size(); ++k) {
            if (tables[g].at(true, Body::empty, k) > tables[g].at(false, Body::empty, k))
                continue;
            empty_costs = false;
            not_slower += fmt::format(" {}{}", counts[k], g ? " (GIL)" : "");
        }
        const double r = tables[g].ratio(Body::latency, eight);
        latency_gain = latency_gain && r < 0.5;
        latency_detail += fmt::format("{}{:.3f}", g ? ", with the GIL " : "ratio ", r);
    }
    ctx.check("all bodies complete with identical Fibonacci sums (and bytes read) in every mode",
              results_ok, "a run returned a value other than n x the single-call value");
    ctx.check("threaded(empty) > non_threaded(empty): starting threads costs time", empty_costs,
              "not slower with" + not_slower + " threads");
    ctx.check(tables.size() == 2
                  ? "latency body: 8 threads take < 0.5x the sequential time, also with the GIL"
                  : "latency body: 8 threads take < 0.5x the sequential time",
              latency_gain, latency_detail);
}

} // namespace

extern const Recipe threads_perf{
    .group = "threads",
    .name = "perf",
    .summary = "threaded versus sequential calls of empty, CPU, file and latency bodies (--gil)",
    .book = "Evaluating the performance of multithread applications [book ch.2]",
    .options = {count_option("fib-steps", "1e7", "steps of the Fibonacci loop (book: 10000)"),
                integer_option("blocks", 1000, "1 KiB blocks read from the file per call", 1,
                               1 << 20),
                integer_option("fetches", 10, "latency body: waits per call", 1, 1'000'000),
                duration_option("latency", "10ms", "latency body: length of one wait"),
                flag_option("gil", "add the table under an emulated GIL")},
    .run = run,
    .uses = Uses::timing,
    .defaults = {{"repeat", "3"}, {"warmup", "0"}},
    // A Fibonacci call of 2e7 steps lasts milliseconds, hundreds of thread starts: the CPU body
    // shows what threads buy (1e6 lasted about as long as a start on a loaded machine).
    .tour_args = {"--gil", "--repeat", "3", "--latency", "1ms", "--fib-steps", "2e7"},
};

} // namespace parcook
