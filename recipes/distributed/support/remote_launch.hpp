// How the remote-object recipes (nameserver, pyro-*, rpyc, csp --processes) place their roles.
//
// Embedded (the default): the recipe starts each server as a child process (Child, a role of
// the recipe) on 127.0.0.1 and a free port; the child announces the port on descriptor 3 (one
// frame, lib/parcook/frames.hpp) once it serves; the recipe runs its client, checks, and stops
// the servers with SIGTERM. A child dies with its parent, and the parent kills its children on
// SIGINT/SIGTERM, so nothing is left running.
// Alone: `--listen HOST:PORT` runs the recipe's server role until SIGINT/SIGTERM; `--connect
// HOST:PORT` runs its client against a server (or name server) already running elsewhere.
// A listen address other than loopback needs a shared token, from PARCOOK_TOKEN or --token-file
// (never the command line, where `ps` shows it); clients send the same token.
#pragma once
#include "distributed/support/remote_server.hpp"
#include "parcook/children.hpp"
#include "parcook/context.hpp"

namespace parcook::remote {

using wire::tcp;

// --listen, --connect, --token-file, --max-frame, --idle-timeout, --timeout.
std::vector<OptionSpec> options();

// Everything a role needs from those options; a plain struct, so it travels in role arguments.
struct Settings {
    std::uint64_t max_frame;
    Duration idle_timeout, timeout;
    std::string token;
};
Settings settings(const Context& ctx); // reads the token; UsageError when it cannot
wire::ServerSettings server_settings(const Settings& s);
wire::ClientSettings client_settings(const Settings& s);

// --listen as an endpoint; UsageError when it is malformed, or not loopback without a token.
tcp::endpoint listen_endpoint(const Context& ctx, const Settings& s);
// --connect as the URI of the object `id` there.
wire::Uri connect_uri(const Context& ctx, std::string id);

// A server running as a child, with the address it announced.
struct ServerChild {
    Child child;
    wire::Uri where; // id left empty
    // `fds`: more descriptors the child inherits (ChildOptions::fds; 3 is the announcement's).
    ServerChild(Context& ctx, std::string name, RoleCall call, Duration timeout,
                std::vector<std::pair<int, int>> fds = {});
    ~ServerChild(); // stop() unless already stopped
    int stop();     // SIGTERM, then the exit code (SIGKILL past 10 s)
    bool stopped = false;

private:
    ServerChild(Context& ctx, std::string name, RoleCall call, Duration timeout,
                std::vector<std::pair<int, int>> fds, Pipe pipe);
};

// The name server as a role of any recipe: list {"nameserver", remote::name_server_role} in
// its roles and start it with start_name_server.
struct NameServerArgs {
    Settings settings;
};
void name_server_role(Context& ctx, const NameServerArgs& args);
ServerChild start_name_server(Context& ctx, const Settings& s);
wire::Uri name_server_at(const wire::Uri& where); // the name server object there

// Where a server role says what it does: the trace of the recipe that started it (as a child,
// child_say), or the recipe's own (--listen, ctx.say).
using Say = std::function<void(std::string_view who, std::string_view text)>;
Say say_for(Context& ctx, bool child);

// Pyro's server.py as a role: hosts each named object under a fresh id (obj_<hex>), registers
// every name in the name server at `name_server` (port 0: none), says "Ready. Object uri = ..."
// and serves until a signal. As a child it listens on 127.0.0.1:0 and announces its port;
// otherwise on --listen.
struct HostArgs {
    Settings settings;
    wire::Uri name_server;
};
using Named = std::vector<std::pair<std::string, wire::Object>>;
void host_objects(Context& ctx, const HostArgs& args, Named objects, bool child);

// In a server role: runs `server` until SIGINT or SIGTERM. `ready` runs once it serves (to
// register in a name server, announce the port, say where it listens).
void serve_until_signal(wire::ObjectServer& server, const std::function<void()>& ready);
// After a --listen server stopped: its counts in the record, and the check that every
// connection it accepted was closed.
void report_served(Context& ctx, const wire::ObjectServer& server);
// In a child role: tells the parent the port it serves on (see the top of this file).
void announce(std::uint16_t port);
// 127.0.0.1, a free port: where an embedded server listens.
tcp::endpoint loopback_any();

} // namespace parcook::remote
