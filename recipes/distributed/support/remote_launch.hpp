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
    ServerChild(Context& ctx, std::string name, RoleCall call, Duration timeout);
    ~ServerChild(); // stop() unless already stopped
    int stop();     // SIGTERM, then the exit code (SIGKILL past 10 s)
    bool stopped = false;

private:
    ServerChild(Context& ctx, std::string name, RoleCall call, Duration timeout, Pipe pipe);
};

// The name server as a role of any recipe: list {"nameserver", remote::name_server_role} in
// its roles and start it with start_name_server.
struct NameServerArgs {
    Settings settings;
};
void name_server_role(Context& ctx, const NameServerArgs& args);
ServerChild start_name_server(Context& ctx, const Settings& s);
wire::Uri name_server_at(const wire::Uri& where); // the name server object there

// In a server role: runs `server` until SIGINT or SIGTERM. `ready` runs once it serves (to
// register in a name server, announce the port, say where it listens).
void serve_until_signal(wire::ObjectServer& server, const std::function<void()>& ready);
// In a child role: tells the parent the port it serves on (see the top of this file).
void announce(std::uint16_t port);
// 127.0.0.1, a free port: where an embedded server listens.
tcp::endpoint loopback_any();

} // namespace parcook::remote
