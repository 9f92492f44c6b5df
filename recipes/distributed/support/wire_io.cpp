#include "distributed/support/wire_io.hpp"

#include "parcook/frames.hpp"

#include <array>
#include <bit>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <fmt/format.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <variant>

namespace parcook::wire {

// The wire's frames are lib/parcook/frames.hpp's, whose length is in native order.
static_assert(std::endian::native == std::endian::little, "frames are little-endian");

task<std::string> read_frame(tcp::socket& socket, std::uint64_t max_size) {
    constexpr auto no_throw = asio::as_tuple(asio::use_awaitable);
    std::array<char, header_size> h;
    auto [ec, got] = co_await asio::async_read(socket, asio::buffer(h), no_throw);
    if (ec && got == 0) // closed between frames: a normal end
        throw boost::system::system_error(ec);
    std::string body;
    if (!ec) {
        body.resize(body_size({h.data(), h.size()}, max_size));
        std::tie(ec, got) = co_await asio::async_read(socket, asio::buffer(body), no_throw);
    }
    if (ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor)
        throw boost::system::system_error(ec); // closed on this side (a timeout, stop())
    if (ec)
        throw ProtocolError(fmt::format("a truncated frame ({})", ec.message()));
    co_return body;
}

task<> write_frame(tcp::socket& socket, std::string_view body) {
    const std::string h = header(body.size());
    const std::array buffers{asio::buffer(h), asio::buffer(body.data(), body.size())};
    co_await asio::async_write(socket, buffers, asio::use_awaitable);
}

tcp::endpoint resolve(const std::string& host, std::uint16_t port) {
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(host, ec);
    if (!ec)
        return {address, port};
    asio::io_context io;
    const auto found = tcp::resolver(io).resolve(host, std::to_string(port), ec);
    if (ec || found.empty())
        throw ConnectionError(fmt::format("cannot resolve {}: {}", host, ec.message()));
    return *found.begin();
}

namespace {

// The reply to the frame just sent, after any output lines; throws RemoteError for an error.
boost::json::value take_reply(const Reply& reply) {
    if (!reply.result)
        throw RemoteError(reply.error_type, reply.error_message);
    return *reply.result;
}

} // namespace

struct Proxy::State {
    Uri uri;
    ClientSettings settings;
    asio::io_context io;
    tcp::socket socket{io};
    std::string in; // received, not yet taken as frames

    // The next frame's body; each read waits at most the timeout (SO_RCVTIMEO), the whole
    // reply until `deadline`.
    std::string next_frame(Stopwatch::clock::time_point deadline) {
        std::array<char, 16 * 1024> chunk;
        for (;;) {
            if (auto body = take_frame(in, settings.max_frame))
                return std::move(*body);
            const ssize_t n = ::recv(socket.native_handle(), chunk.data(), chunk.size(), 0);
            if (n < 0 && errno == EINTR)
                continue;
            if ((n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) ||
                Stopwatch::clock::now() > deadline)
                throw ConnectionError(fmt::format("{}: no reply within {}", uri.str(),
                                                  format_seconds(to_seconds(settings.timeout))));
            if (n <= 0)
                throw ConnectionError(
                    fmt::format("{}: the server closed the connection", uri.str()));
            in.append(chunk.data(), static_cast<std::size_t>(n));
        }
    }

    std::string exchange(std::string_view body, const std::function<void(std::string_view)>& out) {
        if (!write_all(socket.native_handle(), frame(body)))
            throw ConnectionError(fmt::format("{}: the connection is closed", uri.str()));
        const auto deadline = Stopwatch::clock::now() + settings.timeout;
        for (;;) {
            std::string got = next_frame(deadline);
            Reply reply = decode_reply(got);
            if (!reply.output)
                return got;
            if (out)
                out(*reply.output);
        }
    }
};

Proxy::Proxy(const Uri& uri, const ClientSettings& settings) : state_(std::make_unique<State>()) {
    state_->uri = uri;
    state_->settings = settings;
    boost::system::error_code ec = asio::error::timed_out;
    state_->socket.async_connect(resolve(uri.host, uri.port),
                                 [&](boost::system::error_code e) { ec = e; });
    state_->io.run_for(settings.timeout);
    if (ec)
        throw ConnectionError(fmt::format("cannot connect to {}: {}", uri.str(), ec.message()));
    state_->socket.set_option(tcp::no_delay(true));
    state_->socket.native_non_blocking(false); // async_connect left it non-blocking
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(settings.timeout).count();
    const timeval timeout{static_cast<time_t>(us / 1'000'000),
                          static_cast<suseconds_t>(us % 1'000'000)};
    ::setsockopt(state_->socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    take_reply(decode_reply(state_->exchange(hello(settings.token), {})));
}

Proxy::~Proxy() = default;
Proxy::Proxy(Proxy&&) noexcept = default;
Proxy& Proxy::operator=(Proxy&&) noexcept = default;
const Uri& Proxy::uri() const {
    return state_->uri;
}

boost::json::value Proxy::call(std::string method, boost::json::array args) {
    const std::string body = encode_call({state_->uri.id, std::move(method), std::move(args)});
    return take_reply(decode_reply(state_->exchange(body, on_output)));
}

namespace {

// The next reply that is not an output line (a call made here has nowhere to show them).
task<Reply> next_reply(tcp::socket& socket, std::uint64_t max_frame) {
    for (;;)
        if (Reply r = decode_reply(co_await read_frame(socket, max_frame)); !r.output)
            co_return r;
}

task<boost::json::value> exchange_async(tcp::socket& socket, const Uri& uri, std::string call,
                                        const ClientSettings& settings) {
    co_await socket.async_connect(resolve(uri.host, uri.port), asio::use_awaitable);
    socket.set_option(tcp::no_delay(true));
    co_await write_frame(socket, hello(settings.token));
    take_reply(co_await next_reply(socket, settings.max_frame));
    co_await write_frame(socket, call);
    co_return take_reply(co_await next_reply(socket, settings.max_frame));
}

} // namespace

task<boost::json::value> call_async(Uri uri, std::string method, boost::json::array args,
                                    ClientSettings settings) {
    using namespace asio::experimental::awaitable_operators;
    tcp::socket socket(co_await asio::this_coro::executor);
    asio::steady_timer timer(socket.get_executor(), settings.timeout);
    const std::string call = encode_call({uri.id, std::move(method), std::move(args)});
    std::variant<boost::json::value, std::monostate> done;
    try {
        done = co_await (exchange_async(socket, uri, call, settings) ||
                         timer.async_wait(asio::use_awaitable));
    } catch (const boost::system::system_error& e) { // refused, reset, closed
        throw ConnectionError(fmt::format("{}: {}", uri.str(), e.code().message()));
    }
    if (done.index() == 1)
        throw ConnectionError(fmt::format("{}: no reply within {}", uri.str(),
                                          format_seconds(to_seconds(settings.timeout))));
    co_return std::get<0>(std::move(done));
}

Uri locate(std::string_view text, const Uri& name_server, const ClientSettings& settings) {
    if (auto uri = parse_pyro_uri(text))
        return *uri;
    const auto name = parse_pyroname(text);
    if (!name)
        throw std::runtime_error(
            fmt::format("{}: neither PYRO:id@host:port nor PYRONAME:name", quote_input(text)));
    Proxy ns(name_server, settings);
    const auto found = parse_pyro_uri(ns.call("lookup", {*name}).as_string());
    if (!found)
        throw ProtocolError("the name server answered something that is not a PYRO: URI");
    return *found;
}

} // namespace parcook::wire
