// distributed/nameserver: Pyro4's name server (`python -m Pyro4.naming`) [book ch.5].
// Shows: a directory of remote objects. Servers register a name and the URI of an object
// (PYRO:<id>@host:port); clients look the name up (PYRONAME:<name>) and call the object there.
// By default the recipe starts a name server as a child on 127.0.0.1 and a free port and
// exercises it: register, lookup, list, unregister, and an unknown name as a remote
// NamingError. `--listen HOST:PORT` runs the name server alone (Pyro's port is 9090);
// `--connect HOST:PORT` runs the same exercise against one running elsewhere.
#include "distributed/support/remote_launch.hpp"

#include <boost/json/serialize.hpp>
#include <fmt/format.h>

namespace parcook {
namespace {

void exercise(Context& ctx, const wire::Uri& ns_uri, const remote::Settings& s) {
    wire::Proxy ns(ns_uri, remote::client_settings(s));
    const std::string name = fmt::format("example.demo.{}", ::getpid());
    const std::string uri = fmt::format("PYRO:obj_demo@127.0.0.1:{}", 1);
    ns.call("register", {name, uri});
    const std::string found(ns.call("lookup", {name}).as_string());
    ctx.say("client", fmt::format("registered {} -> {}; lookup gives {}", name, uri, found));
    ctx.check("lookup returns the registered URI", found == uri, found);
    const boost::json::object all = ns.call("list").as_object();
    ctx.check("list shows the name", all.contains(name), boost::json::serialize(all));
    ns.call("unregister", {name});
    std::string error;
    try {
        ns.call("lookup", {name});
    } catch (const wire::RemoteError& e) {
        error = e.type;
        ctx.say("client", fmt::format("after unregister, lookup raises {}", e.what()));
    }
    ctx.check("an unregistered name is a remote NamingError", error == "NamingError", error);
    ctx.field("names", all.size());
}

void run(Context& ctx) {
    const remote::Settings s = remote::settings(ctx);
    if (ctx.given("listen")) {
        wire::ObjectServer server(remote::listen_endpoint(ctx, s), remote::server_settings(s));
        server.add(std::string(wire::name_server_id), wire::name_server_object());
        remote::serve_until_signal(server, [&] {
            ctx.say("nameserver", fmt::format("listening; URI {}",
                                              server.uri(std::string(wire::name_server_id)).str()));
        });
        return remote::report_served(ctx, server);
    }
    if (ctx.given("connect"))
        return exercise(ctx, remote::connect_uri(ctx, std::string(wire::name_server_id)), s);
    remote::ServerChild ns = remote::start_name_server(ctx, s);
    ctx.say("nameserver", fmt::format("started on 127.0.0.1:{}", ns.where.port));
    exercise(ctx, remote::name_server_at(ns.where), s);
    ctx.check("the name server stopped cleanly", ns.stop() == 0);
}

} // namespace

extern const Recipe distributed_nameserver{
    .group = "distributed",
    .name = "nameserver",
    .summary = "Pyro's name server: register, lookup, list, unregister over TCP",
    .book = "the Pyro4 name server (python -m Pyro4.naming) [book ch.5]",
    .options = remote::options(),
    .run = run,
    .roles = {{"nameserver", remote::name_server_role}},
};

} // namespace parcook
