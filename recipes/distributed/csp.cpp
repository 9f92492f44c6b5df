// distributed/csp: "Communicating sequential processes with PyCSP" [book ch.5].
// Shows: processes that share nothing and synchronize only by meeting on a channel; poison as
// an orderly shutdown. Parallel(counter, printer) over channel A: the counter writes
// 0..--limit-1 then poisons A; the printer prints whatever it reads until A is poisoned. Each
// process is a thread; A is a rendezvous channel (support/csp_channel.hpp), or holds --buffer N
// values for comparison. Every step is traced as PyCSP traces it (BlockOnWrite, DoneWrite,
// BlockOnRead, DoneRead, Poison, QuitProcess, DoneParallel); --trace FILE writes the events
// as JSON lines, and the recipe checks the rendezvous rule on them.
// --processes: PyCSP's networked channel: the printer runs in a child process that hosts A on
// 127.0.0.1 (the wire: write(id, value) and poison() calls); the counter writes from this
// process; the same rule is checked on both processes' events (one clock). With --processes,
// `--listen HOST:PORT` runs the printer alone and `--connect HOST:PORT` the counter alone.
// Book issues: the explanation uses other function names and limit 10; the channel-kind list
// names Any2One twice.
#include "distributed/support/csp_channel.hpp"
#include "distributed/support/remote_launch.hpp"
#include "parcook/frames.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <fstream>
#include <memory>
#include <thread>

namespace parcook {
namespace {
namespace json = boost::json;
using csp::Tracer;

constexpr Duration drain_timeout = std::chrono::seconds(10);

// The book's processCounter: writes 0..limit-1, then poisons; `write` is local or remote.
template <class Write, class Poison>
void counter(std::int64_t limit, Tracer& trace, Write write, Poison poison) {
    for (std::int64_t k = 0; k < limit; ++k) {
        trace.log("counter", "BlockOnWrite", k);
        if (!write(k))
            break;
        trace.log("counter", "DoneWrite", k);
    }
    trace.log("counter", "Poison", limit);
    poison();
    trace.log("counter", "QuitProcess");
}

// The book's processPrinter: prints what it reads until the channel is poisoned.
void printer(csp::Channel& a, Tracer& trace, const remote::Say& say) {
    for (std::int64_t k = 0;; ++k) {
        trace.log("printer", "BlockOnRead", k);
        const auto v = a.read();
        if (!v)
            break;
        trace.log("printer", "DoneRead", k);
        say("printer", std::to_string(*v));
    }
    trace.log("printer", "QuitProcess");
}

// What the printer printed (this recipe's trace: its own lines or a child's, relayed).
std::vector<std::string> printed(Context& ctx) {
    std::vector<std::string> values;
    for (const TraceLine& line : ctx.result().trace)
        if (line.who == "printer" && !line.text.empty() &&
            line.text.find_first_not_of("0123456789") == std::string::npos)
            values.push_back(line.text);
    return values;
}

std::vector<std::string> upto(std::int64_t n) {
    std::vector<std::string> values;
    for (std::int64_t k = 0; k < n; ++k)
        values.push_back(std::to_string(k));
    return values;
}

// ---- --processes: the printer's process hosts the channel -------------------------------------
constexpr int events_fd = 4;

struct PrinterArgs {
    remote::Settings settings;
    std::uint64_t buffer;
};

wire::Object channel_object(csp::Channel& a) {
    wire::Object o;
    o.emplace("write", wire::awaiting([&a](wire::Session&,
                                           const json::array& args) -> async::task<json::value> {
                  co_return co_await a.async_write(wire::int_arg(args, 1));
              }));
    o.emplace("poison", wire::plain([&a](wire::Session&, const json::array&) {
                  a.poison(drain_timeout);
                  return json::value(nullptr);
              }));
    return o;
}

void serve_printer(Context& ctx, const PrinterArgs& a, bool child) {
    csp::Channel channel(a.buffer);
    Tracer trace;
    wire::ObjectServer server(child ? remote::loopback_any()
                                    : remote::listen_endpoint(ctx, a.settings),
                              remote::server_settings(a.settings));
    server.add("A", channel_object(channel));
    server.start();
    if (child)
        remote::announce(server.endpoint().port());
    else
        ctx.say("printer", fmt::format("channel A at {}", server.uri("A").str()));
    printer(channel, trace, remote::say_for(ctx, child));
    // The writer hangs up once its poison() call is answered; stop only then (bounded).
    const auto until = std::chrono::steady_clock::now() + a.settings.timeout;
    for (const auto& c = server.counts();
         c.accepted != c.closed && std::chrono::steady_clock::now() < until;)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    server.stop();
    if (!child) {
        const auto got = printed(ctx);
        ctx.check("the printer printed 0, 1, ... in order until the poison",
                  got == upto(std::ssize(got)), fmt::format("{}", fmt::join(got, " ")));
    }
    std::string lines;
    for (const csp::Event& e : trace.events())
        lines += e.json() + "\n";
    if (child)
        write_all(events_fd, lines);
}

void printer_role(Context& ctx, const PrinterArgs& a) {
    serve_printer(ctx, a, true);
}

void remote_counter(Context& ctx, const wire::Uri& a, const remote::Settings& s, Tracer& trace) {
    wire::Proxy channel(a, remote::client_settings(s));
    counter(
        ctx.integer("limit"), trace,
        [&](std::int64_t k) {
            return channel.call("write", {k, k}).as_bool();
        },
        [&] { channel.call("poison"); });
}

// Runs the printer as a child and the counter here; the printer's events come back on a pipe.
std::vector<csp::Event> run_processes(Context& ctx, const remote::Settings& s, Tracer& trace) {
    Pipe events = make_pipe();
    std::string printer_lines;
    {
        remote::ServerChild printer(ctx, "printer",
                                    role_call("printer", PrinterArgs{s, ctx.count("buffer")}),
                                    s.timeout, {{events_fd, events.write.get()}});
        events.write.reset();
        std::jthread collect([&] {
            char buf[4096];
            for (ssize_t n; (n = ::read(events.read.get(), buf, sizeof buf)) > 0;)
                printer_lines.append(buf, static_cast<std::size_t>(n));
        });
        remote_counter(ctx, {"A", "127.0.0.1", printer.where.port}, s, trace);
        const auto code = printer.child.wait_for(s.timeout);
        printer.stopped = code.has_value();
        ctx.check("the printer's process ended after the poison", code == 0);
    }
    std::vector<csp::Event> all = trace.events();
    for (std::size_t b = 0, e; (e = printer_lines.find('\n', b)) != std::string::npos; b = e + 1)
        if (auto event = csp::Event::parse(std::string_view(printer_lines).substr(b, e - b)))
            all.push_back(std::move(*event));
    return all;
}

// ---- the recipe -------------------------------------------------------------------------
// The --trace file, opened before any work so that a path that cannot be written is refused
// before anything runs; closed (none) without --trace.
std::unique_ptr<std::ofstream> open_trace(const Context& ctx) {
    if (!ctx.given("trace"))
        return nullptr;
    auto out = std::make_unique<std::ofstream>(ctx.text("trace"));
    if (!*out)
        throw UsageError(fmt::format("--trace: cannot write {}", quote_input(ctx.text("trace"))));
    return out;
}

void check(Context& ctx, std::vector<csp::Event> events, std::ofstream* trace_file) {
    const std::int64_t limit = ctx.integer("limit");
    std::stable_sort(events.begin(), events.end(),
                     [](const auto& a, const auto& b) { return a.ns < b.ns; });
    events.push_back({events.empty() ? 0 : events.back().ns, "parallel", "DoneParallel", -1});
    if (trace_file) {
        for (const csp::Event& e : events)
            *trace_file << e.json() << '\n';
        ctx.check("the trace events were written to --trace", bool(trace_file->flush()),
                  fmt::format("writing {} failed", quote_input(ctx.text("trace"))));
    }
    const std::vector<std::string> got = printed(ctx);
    ctx.check("the printer printed 0..limit-1 in order", got == upto(limit),
              fmt::format("{}", fmt::join(got, " ")));
    const std::string broken =
        csp::broken_rule(events, limit, static_cast<std::int64_t>(ctx.count("buffer")));
    ctx.check(ctx.count("buffer") == 0 ? "rendezvous: every write completed after its read began"
                                       : "the writer ran at most --buffer values ahead",
              broken.empty(), broken);
    ctx.field("printed", fmt::format("{}", fmt::join(got, " ")).c_str());
    ctx.field("events", events.size());
}

void run(Context& ctx) {
    const remote::Settings s = remote::settings(ctx);
    ctx.param("buffer", ctx.count("buffer"));
    ctx.param("processes", ctx.flag("processes"));
    if ((ctx.given("listen") || ctx.given("connect")) && !ctx.flag("processes"))
        throw UsageError("--listen/--connect: only with --processes");
    if (ctx.given("listen"))
        return serve_printer(ctx, {s, ctx.count("buffer")}, false);
    Tracer trace;
    if (ctx.given("connect")) {
        remote_counter(ctx, remote::connect_uri(ctx, "A"), s, trace);
        const auto events = trace.events();
        const auto written = std::count_if(events.begin(), events.end(),
                                           [](const auto& e) { return e.kind == "DoneWrite"; });
        ctx.check("the counter wrote every value, then poisoned the channel",
                  written == ctx.integer("limit"), fmt::format("{} written", written));
        return;
    }
    const std::unique_ptr<std::ofstream> trace_file = open_trace(ctx);
    if (ctx.flag("processes"))
        return check(ctx, run_processes(ctx, s, trace), trace_file.get());
    csp::Channel a(ctx.count("buffer"));
    const remote::Say say = remote::say_for(ctx, false);
    {
        std::jthread reading([&] { printer(a, trace, say); });
        counter(
            ctx.integer("limit"), trace, [&](std::int64_t k) { return a.write(k); },
            [&] { a.poison(drain_timeout); });
    }
    check(ctx, trace.events(), trace_file.get());
}

} // namespace

extern const Recipe distributed_csp{
    .group = "distributed",
    .name = "csp",
    .summary = "PyCSP: a counter and a printer meeting on a rendezvous channel; poison ends both",
    .book = "Communicating sequential processes with PyCSP [book ch.5]",
    .options =
        [] {
            auto o = remote::options();
            o.push_back(integer_option("limit", 5, "values the counter writes", 0, 1000000));
            o.push_back(
                count_option("buffer", "0", "values the channel holds (0: rendezvous)", 1 << 20));
            o.push_back(
                text_option("trace", "", "write the trace events to this file as JSON lines"));
            o.push_back(flag_option("processes", "the printer in another process, over TCP"));
            return o;
        }(),
    .run = run,
    .roles = {{"printer", printer_role}},
};

} // namespace parcook
