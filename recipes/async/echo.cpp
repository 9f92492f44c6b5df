// async/echo: not in the book: what engineers ask an event loop for, a network server.
// Shows: one thread serving many connections. A TCP echo server on 127.0.0.1 (a free port) and
// --connections clients in the same process: each client sends --requests messages of --size
// bytes, one at a time, and checks every byte that comes back; the latency of every round trip
// is kept. By default the server is one coroutine per connection on an io_context run by one
// thread (-t N: N threads); --model threads serves the same protocol with a blocking thread per
// connection, for comparison. The clients run on their own loop thread.
// --listen HOST:PORT runs the server alone until SIGINT or SIGTERM; it also answers the Redis
// protocol's PING and ECHO, so `redis-benchmark -p PORT -t ping` can drive it exactly as it
// drives redis-server (support/echo_protocol.hpp).
#include "async/support/echo_server.hpp"
#include "async/support/loop.hpp"
#include "parcook/host.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/write.hpp>
#include <csignal>
#include <fmt/format.h>

namespace parcook {
namespace {

namespace asio = boost::asio;
using async::task;
using tcp = asio::ip::tcp;
using clock = std::chrono::steady_clock;

// What every client of one round saw.
struct Round {
    std::size_t connections = 0;
    std::vector<std::uint32_t> latency_ns; // every round trip
    std::uint64_t wrong_bytes = 0, failed_clients = 0;
    std::string first_error;
    double seconds = 0;
};

// The byte a client sends at position i of its message r (so every echoed byte is checked).
char pattern(std::size_t client, std::uint64_t r, std::size_t i) {
    return static_cast<char>((client * 131 + r * 31 + i * 7) & 0xff);
}

task<> client(tcp::endpoint server, std::size_t index, std::size_t size, std::uint64_t requests,
              clock::time_point deadline, Round& round) {
    std::string sent(size, '\0'), got(size, '\0');
    tcp::socket socket(co_await asio::this_coro::executor);
    try {
        co_await socket.async_connect(server, asio::use_awaitable);
        socket.set_option(tcp::no_delay(true));
        for (std::uint64_t r = 0; r < requests && clock::now() < deadline; ++r) {
            for (std::size_t i = 0; i < size; ++i)
                sent[i] = pattern(index, r, i);
            const auto start = clock::now();
            co_await asio::async_write(socket, asio::buffer(sent), asio::use_awaitable);
            co_await asio::async_read(socket, asio::buffer(got), asio::use_awaitable);
            round.latency_ns.push_back(static_cast<std::uint32_t>(std::min<std::int64_t>(
                std::chrono::duration_cast<std::chrono::nanoseconds>(clock::now() - start).count(),
                UINT32_MAX)));
            for (std::size_t i = 0; i < size; ++i)
                round.wrong_bytes += got[i] != sent[i];
        }
    } catch (const std::exception& e) {
        if (round.failed_clients++ == 0)
            round.first_error = e.what();
    }
}

// Every client at once on a loop of their own; a timer closes them all at --timeout.
Round run_round(tcp::endpoint server, std::size_t connections, std::size_t size,
                std::uint64_t requests, Duration duration, Duration timeout) {
    Round round;
    round.connections = connections;
    const auto start = clock::now();
    const auto deadline = duration.count() ? start + duration : clock::time_point::max();
    async::run_loop([&]() -> task<> {
        co_await async::gather(connections, [&](std::size_t c) -> task<int> {
            co_await client(server, c, size, requests, deadline, round);
            co_return 0;
        });
    });
    round.seconds = std::chrono::duration<double>(clock::now() - start).count();
    if (round.seconds > to_seconds(timeout)) {
        round.failed_clients = connections;
        round.first_error = "the round overran --timeout";
    }
    return round;
}

double percentile(std::vector<std::uint32_t>& v, double p) {
    if (v.empty())
        return 0;
    auto nth = v.begin() + static_cast<std::ptrdiff_t>(p * static_cast<double>(v.size() - 1));
    std::nth_element(v.begin(), nth, v.end());
    return *nth * 1e-3; // microseconds
}

std::vector<std::size_t> connection_counts(const std::string& text) {
    std::vector<std::size_t> counts;
    for (std::size_t b = 0; b <= text.size();) {
        const std::size_t e = std::min(text.find(',', b), text.size());
        counts.push_back(
            parse_count(std::string_view(text).substr(b, e - b), "connections", 10000));
        if (counts.back() == 0)
            throw UsageError("--connections: every count must be at least 1");
        b = e + 1;
    }
    return counts;
}

tcp::endpoint listen_address(const std::string& text) {
    const auto colon = text.rfind(':');
    boost::system::error_code ec;
    std::string host = colon == std::string::npos ? "" : text.substr(0, colon);
    if (host.size() > 1 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    const auto address = asio::ip::make_address(host, ec);
    if (colon == std::string::npos || ec)
        throw UsageError(fmt::format("--listen: expected HOST:PORT such as 127.0.0.1:6380, got {}",
                                     quote_input(text)));
    const auto port = parse_integer(std::string_view(text).substr(colon + 1), "listen", 0, 65535);
    return {address, static_cast<unsigned short>(port)};
}

// --listen: serve until SIGINT or SIGTERM, then report what was served.
void serve_until_signal(Context& ctx, const async::EchoServerOptions& options,
                        async::EchoModel model) {
    asio::io_context signals_loop;
    asio::signal_set signals(signals_loop, SIGINT, SIGTERM);
    auto server = async::start_echo_server(model, listen_address(ctx.text("listen")), options);
    const tcp::endpoint at = server->endpoint();
    ctx.say("server", fmt::format("listening on {}:{} (raw echo, RESP PING and ECHO); SIGINT or "
                                  "SIGTERM stops it",
                                  at.address().to_string(), at.port()));
    int stopped_by = 0;
    signals.async_wait([&](boost::system::error_code, int sig) { stopped_by = sig; });
    signals_loop.run();
    server->stop();
    const auto& c = server->counts();
    ctx.say("server", fmt::format("stopped by {}", stopped_by == SIGINT ? "SIGINT" : "SIGTERM"));
    ctx.check("stopped on a signal with every connection closed", c.accepted == c.closed,
              fmt::format("{} accepted, {} closed", c.accepted.load(), c.closed.load()));
    ctx.field("connections", c.accepted.load());
    ctx.field("commands", c.commands.load());
    ctx.field("timed_out", c.timed_out.load());
    ctx.field("protocol_errors", c.protocol_errors.load());
    ctx.field("bytes", c.bytes.load());
}

void run(Context& ctx) {
    const auto model =
        ctx.text("model") == "threads" ? async::EchoModel::threads : async::EchoModel::async;
    // RESP is answered by the --listen server only: the clients here speak raw echo.
    const async::EchoServerOptions options{ctx.bytes("max-frame"), ctx.given("listen"),
                                           ctx.duration("idle-timeout"), ctx.common().threads};
    ctx.param("model", ctx.text("model").c_str());
    ctx.param("threads", ctx.common().threads);
    if (ctx.given("listen"))
        return serve_until_signal(ctx, options, model);

    const std::vector<std::size_t> rounds = connection_counts(ctx.text("connections"));
    const std::size_t size = ctx.bytes("size");
    const std::uint64_t requests = ctx.count("requests");
    const Duration duration = ctx.duration("duration");
    const bool timed = duration > Duration::zero(); // else --requests per client (0: the default)
    const std::size_t most = *std::max_element(rounds.begin(), rounds.end());
    require_descriptors(2 * most + 64,
                        fmt::format("a round of {} connections", most)); // both ends here
    ctx.param("size", size);
    ctx.param("requests", timed ? 0 : requests);

    auto server =
        async::start_echo_server(model, {asio::ip::make_address("127.0.0.1"), 0}, options);
    std::vector<Round> results;
    for (std::size_t connections : rounds) {
        results.push_back(run_round(server->endpoint(), connections, size,
                                    timed ? UINT64_MAX : requests, duration,
                                    ctx.duration("timeout")));
        Round& r = results.back();
        const double rate = static_cast<double>(r.latency_ns.size()) / r.seconds;
        const std::string c = fmt::format("c{}", connections);
        ctx.metric(c + "_requests_per_second", rate, "requests/s");
        ctx.metric(c + "_p50", percentile(r.latency_ns, 0.50), "us");
        ctx.metric(c + "_p99", percentile(r.latency_ns, 0.99), "us");
        ctx.metric(c + "_p999", percentile(r.latency_ns, 0.999), "us");
        ctx.say("clients", fmt::format("{} connections: {} round trips in {:.3f} s, {:.0f}/s",
                                       connections, r.latency_ns.size(), r.seconds, rate));
        ctx.headline(c + "_requests_per_second");
    }
    server->stop();

    std::uint64_t wrong = 0, failed = 0, trips = 0, expected = 0, clients = 0;
    std::string error;
    for (const Round& r : results) {
        wrong += r.wrong_bytes;
        failed += r.failed_clients;
        trips += r.latency_ns.size();
        expected += r.connections * requests;
        clients += r.connections;
        if (error.empty())
            error = r.first_error;
    }
    const auto& counts = server->counts();
    ctx.check("every client connected and finished", failed == 0,
              fmt::format("{} clients failed: {}", failed, error));
    ctx.check("every byte came back as it was sent", wrong == 0,
              fmt::format("{} wrong bytes", wrong));
    if (!timed)
        ctx.check("every request got its answer", trips == expected,
                  fmt::format("{} of {}", trips, expected));
    ctx.check("the server saw every connection open and close",
              counts.accepted == clients && counts.closed == clients,
              fmt::format("{} accepted, {} closed", counts.accepted.load(), counts.closed.load()));
    ctx.check("the server took every connection (a thread each with --model threads)",
              counts.accept_failures == 0,
              fmt::format("{} accepts or thread starts failed", counts.accept_failures.load()));
    ctx.field("round_trips", trips);
}

} // namespace

extern const Recipe async_echo{
    .group = "async",
    .name = "echo",
    .summary = "a TCP echo server and N clients on one loop thread; --listen for redis-benchmark",
    .book = "not in the book: an event-loop network server (asyncio streams), measured",
    .options = {text_option("connections", "10,100,1000", "concurrent clients, one round each"),
                bytes_option("size", "64B", "bytes per message", INT64_C(1) << 20),
                count_option("requests", "200", "messages per client", INT64_C(1) << 32, 1),
                duration_option("duration", "0", "run each round this long instead of --requests"),
                choice_option(
                    "model", "async", {"async", "threads"},
                    "async: a coroutine per connection; threads: a thread per connection"),
                text_option("listen", "", "serve alone on HOST:PORT until SIGINT/SIGTERM"),
                bytes_option("max-frame", "64KiB", "longest RESP line or bulk string accepted",
                             INT64_C(1) << 30),
                duration_option("idle-timeout", "30s", "close a connection silent this long",
                                std::chrono::milliseconds(1)),
                duration_option("timeout", "120s", "a round that takes longer fails",
                                std::chrono::milliseconds(1))},
    .run = run,
    .uses = Uses::threads,
    .defaults = {{"threads", "1"}},
    .tour_args = {"--connections", "10,100", "--requests", "50"},
};

} // namespace parcook
