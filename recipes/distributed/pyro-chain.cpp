// distributed/pyro-chain: "Chaining objects with Pyro4" [book ch.5].
// Shows: remote objects that are clients of other remote objects; a call travelling around a
// ring of servers and back. --length servers (processes) host Chain K as "example.chain.K",
// whose next is K+1 (the last one's is 1). process(message): if K is already in the message,
// "Back at K; the chain is closed!" and ["complete at K"]; otherwise "K forwarding the message to
// the object NEXT", K appended, the next object called, and "passed on from K" put in front of
// its answer. The client calls chain 1 with ["hello"] and gets ['passed on from 1', 'passed on
// from 2', 'passed on from 3', 'complete at 1']. The call comes back to server 1 while server 1
// is still waiting for its own outgoing call: each server's call to the next is a coroutine,
// so the server keeps serving meanwhile.
// Embedded by default; `--listen HOST:PORT --connect NS --index K` runs chain K alone,
// `--connect NS` runs the client.
// Book issues: registration and lookup names disagree (example.chain.A, example.chainTopology.N,
// example.chain.N); two servers instantiate a class that does not exist; server 1's log shows
// the forward twice.
#include "distributed/support/remote_launch.hpp"

#include <boost/json/serialize.hpp>
#include <fmt/format.h>
#include <list>

namespace parcook {
namespace {
namespace json = boost::json;

std::string registered(std::int64_t k) {
    return fmt::format("example.chain.{}", k);
}

wire::Object chain(std::int64_t k, std::int64_t length, remote::Say say, wire::Uri ns,
                   wire::ClientSettings cs) {
    const std::string name = std::to_string(k), next = std::to_string(k % length + 1);
    auto process = [=](wire::Session&, const json::array& args) -> async::task<json::value> {
        if (args.size() != 1 || !args[0].is_array())
            throw wire::RemoteError("TypeError", "process(message): message must be a list");
        json::array message = args[0].get_array();
        const std::string who = registered(k);
        if (std::find(message.begin(), message.end(), json::value(name)) != message.end()) {
            say(who, fmt::format("Back at {}; the chain is closed!", name));
            json::array complete;
            complete.emplace_back("complete at " + name);
            co_return complete;
        }
        say(who, fmt::format("{} forwarding the message to the object {}", name, next));
        message.emplace_back(name);
        // (arguments built before co_await: GCC 12 cannot keep an initializer list across it)
        json::array lookup, forward;
        lookup.emplace_back(registered(k % length + 1));
        forward.push_back(std::move(message));
        const json::value uri = co_await wire::call_async(ns, "lookup", std::move(lookup), cs);
        const auto at = wire::parse_pyro_uri(uri.as_string());
        if (!at)
            throw wire::RemoteError("NamingError", "the name server gave no PYRO: URI");
        json::value rest = co_await wire::call_async(*at, "process", std::move(forward), cs);
        json::array result;
        result.emplace_back("passed on from " + name);
        for (json::value& r : rest.as_array())
            result.push_back(std::move(r));
        co_return result;
    };
    wire::Object object;
    object.emplace("process", wire::awaiting(process));
    return object;
}

struct ChainArgs {
    remote::HostArgs host;
    std::int64_t index, length;
};

void host(Context& ctx, const ChainArgs& a, bool child) {
    remote::host_objects(ctx, a.host,
                         {{registered(a.index),
                           chain(a.index, a.length, remote::say_for(ctx, child), a.host.name_server,
                                 remote::client_settings(a.host.settings))}},
                         child);
}

void server_role(Context& ctx, const ChainArgs& a) {
    host(ctx, a, true);
}

void client(Context& ctx, const wire::Uri& ns, const remote::Settings& s) {
    const auto cs = remote::client_settings(s);
    wire::Proxy first(wire::locate("PYRONAME:" + registered(1), ns, cs), cs);
    const json::value result = first.call("process", {json::array{"hello"}});
    ctx.say("client", "Result=" + json::serialize(result));
    json::array expected;
    for (std::int64_t k = 1; k <= ctx.integer("length"); ++k)
        expected.emplace_back(fmt::format("passed on from {}", k));
    expected.emplace_back("complete at 1");
    ctx.check("the result lists every server, then complete at 1", result == expected,
              json::serialize(result));
    ctx.field("result", result);
}

// What the servers said, now in this recipe's trace: one forward each, and 1 closed the chain.
void check_server_logs(Context& ctx, std::int64_t length) {
    std::map<std::string, int> forwards;
    int closed = 0;
    for (const TraceLine& line : ctx.result().trace) {
        forwards[line.who] += line.text.find(" forwarding the message to ") != std::string::npos;
        closed += line.who == registered(1) && line.text == "Back at 1; the chain is closed!";
    }
    bool one_each = true;
    for (std::int64_t k = 1; k <= length; ++k)
        one_each = one_each && forwards[registered(k)] == 1;
    ctx.check("each server logged one forward", one_each);
    ctx.check("server 1 logged that the chain is closed", closed == 1);
}

void run(Context& ctx) {
    const remote::Settings s = remote::settings(ctx);
    const std::int64_t length = ctx.integer("length");
    const wire::Uri ns = ctx.given("connect")
                             ? remote::connect_uri(ctx, std::string(wire::name_server_id))
                             : wire::Uri{};
    if (ctx.given("listen")) {
        if (!ctx.given("connect") || ctx.integer("index") > length)
            throw UsageError("--listen: a chain server needs --connect NS and --index K <= "
                             "--length");
        return host(ctx, {{s, ns}, ctx.integer("index"), length}, false);
    }
    if (ctx.given("connect"))
        return client(ctx, ns, s);
    {
        remote::ServerChild names = remote::start_name_server(ctx, s);
        const wire::Uri at = remote::name_server_at(names.where);
        std::list<remote::ServerChild> servers;
        for (std::int64_t k = 1; k <= length; ++k)
            servers.emplace_back(ctx, registered(k),
                                 role_call("server", ChainArgs{{s, at}, k, length}), s.timeout);
        client(ctx, at, s);
        bool clean = names.stop() == 0;
        for (remote::ServerChild& server : servers)
            clean = server.stop() == 0 && clean;
        ctx.check("the servers stopped cleanly", clean);
    }
    check_server_logs(ctx, length);
}

} // namespace

extern const Recipe distributed_pyro_chain{
    .group = "distributed",
    .name = "pyro-chain",
    .summary = "a call travels around a ring of object servers and back",
    .book = "Chaining objects with Pyro4 [book ch.5]",
    .options =
        [] {
            auto o = remote::options();
            o.push_back(integer_option("length", 3, "servers in the ring", 2, 16));
            o.push_back(
                integer_option("index", 1, "with --listen: the chain object to host", 1, 16));
            return o;
        }(),
    .run = run,
    .roles = {{"nameserver", remote::name_server_role}, {"server", server_role}},
};

} // namespace parcook
