// distributed/rpyc: "A remote procedure call with RPyC" [book ch.5].
// Shows: a call that runs in another process, and the other process's output redirected to the
// caller. The server (logging "server started on [127.0.0.1]:<port>", then "accepted" and
// "welcome" per client) offers a fixed registry of commands: print(text), add(a, b), getpid(),
// redirect_stdout(on). The client calls print("hi python cookbook"), which prints on the
// server; then redirect_stdout(true), after which that session's output comes back over its
// connection: print("hi here") prints on the client. Other sessions are not redirected.
// Why RPyC's classic mode is not ported: classic.connect() gives the client the server's whole
// interpreter (c.execute(code), c.modules.sys), so anyone who can connect runs any code as the
// server's user. Here a message can only name a command of the fixed registry, with JSON
// arguments, and the server listens on 127.0.0.1 (the book's 0.0.0.0 exposes it) unless a
// token is set.
// Embedded by default (the server as a child); `--listen HOST:PORT` runs the server alone
// (RPyC's port is 18812), `--connect HOST:PORT` the client.
#include "distributed/support/remote_launch.hpp"

#include <algorithm>
#include <atomic>
#include <fmt/format.h>
#include <thread>
#include <unistd.h>

namespace parcook {
namespace {
namespace json = boost::json;
using wire::plain;
using wire::Session;

wire::Object commands(const remote::Say& say) {
    wire::Object o;
    o.emplace("print", plain([say](Session& s, const json::array& args) {
                  const std::string text = wire::string_arg(args, 0);
                  if (s.redirect_output)
                      s.output.push_back(text);
                  else
                      say("server", text);
                  return json::value(nullptr);
              }));
    o.emplace("add", plain([](Session&, const json::array& args) {
                  return json::value(wire::int_arg(args, 0) + wire::int_arg(args, 1));
              }));
    o.emplace("getpid", plain([](Session&, const json::array&) {
                  return json::value(static_cast<std::int64_t>(::getpid()));
              }));
    o.emplace("redirect_stdout", plain([](Session& s, const json::array& args) {
                  if (args.size() != 1 || !args[0].is_bool())
                      throw wire::RemoteError("TypeError", "redirect_stdout(on): on is a bool");
                  s.redirect_output = args[0].get_bool();
                  return json::value(nullptr);
              }));
    return o;
}

void serve(Context& ctx, const remote::Settings& s, bool child) {
    const remote::Say say = remote::say_for(ctx, child);
    wire::ServerSettings settings = remote::server_settings(s);
    settings.on_session = [say](std::string_view peer, std::string_view event) {
        say("server", fmt::format("{} {}", event, peer));
    };
    wire::ObjectServer server(child ? remote::loopback_any() : remote::listen_endpoint(ctx, s),
                              settings);
    server.add("rpyc", commands(say));
    remote::serve_until_signal(server, [&] {
        const auto at = server.endpoint();
        say("server",
            fmt::format("server started on [{}]:{}", at.address().to_string(), at.port()));
        if (child)
            remote::announce(at.port());
    });
    if (!child)
        remote::report_served(ctx, server);
}

void server_role(Context& ctx, const remote::Settings& s) {
    serve(ctx, s, true);
}

// The client's side of the rule; returns the server's pid.
std::int64_t client(Context& ctx, const wire::Uri& uri, const remote::Settings& s) {
    wire::Proxy c(uri, remote::client_settings(s));
    std::vector<std::string> came_back;
    c.on_output = [&](std::string_view line) {
        came_back.emplace_back(line);
        ctx.say("client", line);
    };
    c.call("print", {"hi python cookbook"});
    c.call("redirect_stdout", {true});
    c.call("print", {"hi here"});
    const std::int64_t sum = c.call("add", {2, 3}).as_int64();
    const std::int64_t pid = c.call("getpid").as_int64();
    ctx.say("client",
            fmt::format("add(2, 3) = {}; the server's pid is {}, mine {}", sum, pid, ::getpid()));
    ctx.check("after the redirect, the server's output came back to the client",
              came_back == std::vector<std::string>{"hi here"},
              fmt::format("{}", came_back.size()));
    ctx.check("add(2, 3) = 5 ran remotely", sum == 5 && pid != ::getpid());
    std::string error;
    try {
        c.call("execute", {"import os"});
    } catch (const wire::RemoteError& e) {
        error = e.type;
    }
    ctx.check("no command outside the registry (no classic execute)", error == "UnknownMethod",
              error);
    return pid;
}

// --calls: each of --clients connections makes that many add(2, 3) calls, one at a time; the
// round-trip latencies and the calls per second (scripts/bench compares them with Pyro4, RPyC
// and redis-benchmark).
void measure_calls(Context& ctx, const wire::Uri& uri, const remote::Settings& s) {
    const auto clients = static_cast<std::size_t>(ctx.integer("clients"));
    const std::uint64_t calls = ctx.count("calls");
    std::vector<std::vector<double>> latency(clients);
    std::atomic<std::uint64_t> wrong{0}, failed{0};
    const Stopwatch all;
    {
        std::vector<std::jthread> threads;
        for (std::size_t c = 0; c < clients; ++c)
            threads.emplace_back([&, c] {
                try {
                    wire::Proxy p(uri, remote::client_settings(s));
                    latency[c].reserve(calls);
                    for (std::uint64_t i = 0; i < calls; ++i) {
                        const Stopwatch one;
                        wrong += p.call("add", {2, 3}) != 5;
                        latency[c].push_back(one.seconds());
                    }
                } catch (const std::exception&) {
                    ++failed;
                }
            });
    }
    const double seconds = all.seconds();
    std::vector<double> every;
    for (const auto& l : latency)
        every.insert(every.end(), l.begin(), l.end());
    ctx.check("every measured call returned 5",
              wrong == 0 && failed == 0 && every.size() == clients * calls);
    if (every.empty())
        return;
    std::sort(every.begin(), every.end());
    const auto at = [&](double q) {
        return every[static_cast<std::size_t>(q * (every.size() - 1))] * 1e6;
    };
    ctx.metric("calls_per_second", static_cast<double>(every.size()) / seconds, "calls/s");
    ctx.metric("round_trip_p50", at(0.5), "us");
    ctx.metric("round_trip_p99", at(0.99), "us");
    ctx.headline("calls_per_second");
}

void run(Context& ctx) {
    const remote::Settings s = remote::settings(ctx);
    if (ctx.given("listen"))
        return serve(ctx, s, false);
    if (ctx.given("connect")) {
        client(ctx, remote::connect_uri(ctx, "rpyc"), s);
        if (ctx.count("calls") > 0)
            measure_calls(ctx, remote::connect_uri(ctx, "rpyc"), s);
        return;
    }
    {
        remote::ServerChild server(ctx, "server", role_call("server", s), s.timeout);
        client(ctx, {"rpyc", "127.0.0.1", server.where.port}, s);
        if (ctx.count("calls") > 0)
            measure_calls(ctx, {"rpyc", "127.0.0.1", server.where.port}, s);
        ctx.check("the server stopped cleanly", server.stop() == 0);
    }
    // The server's own lines, relayed into this trace once it stopped.
    std::vector<std::string> server_said;
    for (const TraceLine& line : ctx.result().trace)
        if (line.who == "server")
            server_said.push_back(line.text);
    const auto said = [&](std::string_view prefix) {
        return std::count_if(server_said.begin(), server_said.end(),
                             [&](const std::string& t) { return t.starts_with(prefix); });
    };
    ctx.check("\"hi python cookbook\" printed on the server", said("hi python cookbook") == 1);
    ctx.check("\"hi here\" not printed on the server", said("hi here") == 0);
    ctx.check("the server logged accepted and welcome",
              said("accepted ") >= 1 && said("accepted ") == said("welcome "));
}

} // namespace

extern const Recipe distributed_rpyc{
    .group = "distributed",
    .name = "rpyc",
    .summary = "remote procedure calls from a fixed command registry; output redirected back",
    .book = "A remote procedure call with RPyC [book ch.5]",
    .options =
        [] {
            auto o = remote::options();
            o.push_back(
                count_option("calls", "0", "then measure: add(2, 3) calls per client", 1 << 30));
            o.push_back(integer_option("clients", 1, "concurrent measuring clients", 1, 1000));
            return o;
        }(),
    .run = run,
    .tour_args = {"--calls", "2000"},
    .roles = {{"server", server_role}},
};

} // namespace parcook
