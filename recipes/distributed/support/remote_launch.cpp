#include "distributed/support/remote_launch.hpp"

#include "parcook/frames.hpp"

#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <cstdlib>
#include <fmt/format.h>
#include <random>

namespace parcook::remote {

namespace {
constexpr int announce_fd = 3;
}

std::vector<OptionSpec> options() {
    return {
        text_option("listen", "", "run the server role alone on HOST:PORT until SIGINT/SIGTERM"),
        text_option("connect", "", "run the client alone against the server at HOST:PORT"),
        text_option("token-file", "",
                    "file holding the shared token (or PARCOOK_TOKEN); needed to listen beyond "
                    "loopback"),
        bytes_option("max-frame", "1MiB", "largest frame accepted", INT64_C(1) << 30, 1024),
        duration_option("idle-timeout", "30s",
                        "close a connection that sends no whole frame for this long",
                        std::chrono::milliseconds(1)),
        duration_option("timeout", "10s", "bound on connecting, starting a server and each call",
                        std::chrono::milliseconds(1)),
    };
}

Settings settings(const Context& ctx) {
    Settings s{ctx.bytes("max-frame"), ctx.duration("idle-timeout"), ctx.duration("timeout"), ""};
    if (ctx.given("token-file")) {
        s.token = ctx.read_input("token-file");
        while (!s.token.empty() && (s.token.back() == '\n' || s.token.back() == '\r'))
            s.token.pop_back();
        if (s.token.empty())
            throw UsageError("--token-file: the file holds no token");
    } else if (const char* env = std::getenv("PARCOOK_TOKEN")) {
        s.token = env;
    }
    return s;
}

wire::ServerSettings server_settings(const Settings& s) {
    return {s.max_frame, s.idle_timeout, s.token, 1, {}};
}

wire::ClientSettings client_settings(const Settings& s) {
    return {s.max_frame, s.timeout, s.token};
}

tcp::endpoint listen_endpoint(const Context& ctx, const Settings& s) {
    const auto where = wire::parse_host_port(ctx.text("listen"));
    boost::system::error_code ec;
    const auto address =
        where ? wire::asio::ip::make_address(where->first, ec) : wire::asio::ip::address();
    if (!where || ec)
        throw UsageError(fmt::format("--listen: expected HOST:PORT such as 127.0.0.1:9090, got {}",
                                     quote_input(ctx.text("listen"))));
    if (!address.is_loopback() && s.token.empty())
        throw UsageError("--listen: a non-loopback address needs a shared token: set "
                         "PARCOOK_TOKEN or --token-file");
    return {address, where->second};
}

wire::Uri connect_uri(const Context& ctx, std::string id) {
    const auto where = wire::parse_host_port(ctx.text("connect"));
    if (!where)
        throw UsageError(fmt::format("--connect: expected HOST:PORT such as 127.0.0.1:9090, got {}",
                                     quote_input(ctx.text("connect"))));
    return {std::move(id), where->first, where->second};
}

namespace {

Child start_announcing(Context& ctx, std::string name, RoleCall call,
                       std::vector<std::pair<int, int>> fds, Pipe& pipe) {
    ChildOptions options;
    options.fds = std::move(fds);
    options.fds.emplace_back(announce_fd, pipe.write.get());
    Child child(ctx, std::move(name), std::move(call), options);
    pipe.write.reset(); // the child's copy alone: its end closes if it dies before announcing
    return child;
}

} // namespace

ServerChild::ServerChild(Context& ctx, std::string name, RoleCall call, Duration timeout,
                         std::vector<std::pair<int, int>> fds)
    : ServerChild(ctx, std::move(name), std::move(call), timeout, std::move(fds), make_pipe()) {}

ServerChild::ServerChild(Context& ctx, std::string name, RoleCall call, Duration timeout,
                         std::vector<std::pair<int, int>> fds, Pipe pipe)
    : child(start_announcing(ctx, name, std::move(call), std::move(fds), pipe)) {
    std::string port;
    const Got got = read_frame(pipe.read.get(), port, 16, Stopwatch::clock::now() + timeout);
    if (got != Got::frame)
        throw RunFailed("every server started",
                        fmt::format("{} did not announce its port within {}", name,
                                    format_seconds(to_seconds(timeout))));
    where = {"", "127.0.0.1", static_cast<std::uint16_t>(std::stoul(port))};
}

ServerChild::~ServerChild() {
    if (!stopped)
        stop();
}

int ServerChild::stop() {
    stopped = true;
    child.request_exit();
    if (auto code = child.wait_for(std::chrono::seconds(10)))
        return *code;
    child.kill();
    return child.wait();
}

void serve_until_signal(wire::ObjectServer& server, const std::function<void()>& ready) {
    wire::asio::io_context signals_loop;
    wire::asio::signal_set signals(signals_loop, SIGINT, SIGTERM);
    signals.async_wait([](boost::system::error_code, int) {});
    server.start();
    ready();
    signals_loop.run();
    server.stop();
}

void name_server_role(Context&, const NameServerArgs& args) {
    wire::ObjectServer server(loopback_any(), server_settings(args.settings));
    server.add(std::string(wire::name_server_id), wire::name_server_object());
    serve_until_signal(server, [&] { announce(server.endpoint().port()); });
}

ServerChild start_name_server(Context& ctx, const Settings& s) {
    return ServerChild(ctx, "nameserver", role_call("nameserver", NameServerArgs{s}), s.timeout);
}

wire::Uri name_server_at(const wire::Uri& where) {
    return {std::string(wire::name_server_id), where.host, where.port};
}

void run_with_name_server(Context& ctx, Objects objects, Client client, std::string server_name) {
    const Settings s = settings(ctx);
    const wire::Uri ns =
        ctx.given("connect") ? connect_uri(ctx, std::string(wire::name_server_id)) : wire::Uri{};
    if (ctx.given("listen"))
        return host_objects(ctx, {s, ns}, objects(ctx, false), false);
    if (ctx.given("connect"))
        return client(ctx, ns, s);
    ServerChild names = start_name_server(ctx, s);
    const wire::Uri at = name_server_at(names.where);
    ServerChild server(ctx, std::move(server_name), role_call("server", HostArgs{s, at}),
                       s.timeout);
    client(ctx, at, s);
    ctx.check("the servers stopped cleanly", server.stop() == 0 && names.stop() == 0);
}

Say say_for(Context& ctx, bool child) {
    if (child)
        return [](std::string_view who, std::string_view text) { child_say(who, text); };
    return [&ctx](std::string_view who, std::string_view text) { ctx.say(who, text); };
}

void host_objects(Context& ctx, const HostArgs& args, Named objects, bool child) {
    const Settings& s = args.settings;
    wire::ObjectServer server(child ? loopback_any() : listen_endpoint(ctx, s), server_settings(s));
    std::vector<std::pair<std::string, std::string>> ids; // name, id
    std::random_device random;
    for (auto& [name, object] : objects) {
        ids.emplace_back(name, fmt::format("obj_{:08x}{:08x}", random(), random()));
        server.add(ids.back().second, std::move(object));
    }
    const Say say = say_for(ctx, child);
    serve_until_signal(server, [&] {
        for (const auto& [name, id] : ids) {
            const std::string uri = server.uri(id).str();
            if (args.name_server.port != 0)
                wire::Proxy(args.name_server, client_settings(s)).call("register", {name, uri});
            say(name, "Ready. Object uri = " + uri);
        }
        if (child)
            announce(server.endpoint().port());
    });
    if (!child)
        report_served(ctx, server);
}

void report_served(Context& ctx, const wire::ObjectServer& server) {
    const wire::ServerCounts& c = server.counts();
    ctx.check("stopped on a signal with every connection closed", c.accepted == c.closed,
              fmt::format("{} accepted, {} closed", c.accepted.load(), c.closed.load()));
    ctx.field("connections", c.accepted.load());
    ctx.field("calls", c.calls.load());
    ctx.field("refused", c.refused.load());
    ctx.field("protocol_errors", c.protocol_errors.load());
    ctx.field("timed_out", c.timed_out.load());
}

void announce(std::uint16_t port) {
    send_frame(announce_fd, std::to_string(port));
    ::close(announce_fd);
}

tcp::endpoint loopback_any() {
    return {wire::asio::ip::address_v4::loopback(), 0};
}

} // namespace parcook::remote
