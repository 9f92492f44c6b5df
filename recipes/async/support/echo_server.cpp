#include "async/support/echo_server.hpp"

#include "async/support/echo_protocol.hpp"
#include "async/support/loop.hpp"
#include "parcook/errors.hpp"

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <fmt/format.h>
#include <list>
#include <mutex>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <thread>

namespace parcook::async {
namespace {

using tcp = asio::ip::tcp;
using clock = std::chrono::steady_clock;
constexpr auto no_throw = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t read_size = 16 * 1024;

// ---- the async model: a coroutine per connection -------------------------------------------

class AsyncEchoServer final : public EchoServer {
public:
    AsyncEchoServer(const tcp::endpoint& where, const EchoServerOptions& options)
        : options_(options), acceptor_(listen_on(loop_, where)),
          endpoint_(acceptor_.local_endpoint()) {
        asio::co_spawn(strand_, accept_loop(), asio::detached);
        for (unsigned i = 0; i < std::max(1u, options.threads); ++i)
            threads_.emplace_back([this] { loop_.run(); });
    }
    ~AsyncEchoServer() override { stop(); }

    tcp::endpoint endpoint() const override { return endpoint_; }

    void stop() override {
        std::call_once(stopped_, [this] {
            asio::post(strand_, [this] {
                acceptor_.close();
                std::lock_guard lock(sessions_mutex_);
                for (auto& weak : sessions_)
                    if (auto s = weak.lock())
                        asio::post(s->socket.get_executor(), [s] { s->close(); });
            });
            for (std::jthread& t : threads_)
                t.join(); // the loop runs out of work once every session has ended
        });
    }

private:
    struct Session {
        tcp::socket socket;
        asio::steady_timer idle;
        clock::time_point last = clock::now();
        bool open = true;
        explicit Session(tcp::socket s) : socket(std::move(s)), idle(socket.get_executor()) {}
        void close() {
            open = false;
            boost::system::error_code ignored;
            socket.close(ignored);
            idle.cancel();
        }
    };

    task<> accept_loop() {
        for (;;) {
            auto [ec, socket] = co_await acceptor_.async_accept(asio::make_strand(loop_), no_throw);
            if (ec == asio::error::operation_aborted || !acceptor_.is_open())
                co_return;
            if (ec) { // out of descriptors, say: keep serving the others, try again shortly
                ++counts_.accept_failures;
                spdlog::warn("accept failed: {}", ec.message());
                co_await async::sleep(std::chrono::milliseconds(10));
                continue;
            }
            ++counts_.accepted;
            auto s = std::make_shared<Session>(std::move(socket));
            {
                std::lock_guard lock(sessions_mutex_);
                std::erase_if(sessions_, [](const auto& w) { return w.expired(); });
                sessions_.push_back(s);
            }
            asio::co_spawn(s->socket.get_executor(), serve(s), asio::detached);
            asio::co_spawn(s->socket.get_executor(), watch(s), asio::detached);
        }
    }

    task<> serve(std::shared_ptr<Session> s) {
        EchoProtocol protocol(options_.max_frame, options_.resp);
        std::array<char, read_size> in;
        std::string out;
        while (s->open) {
            auto [ec, n] = co_await s->socket.async_read_some(asio::buffer(in), no_throw);
            if (ec)
                break;
            s->last = clock::now();
            counts_.bytes += n;
            out.clear();
            const bool keep = protocol.feed({in.data(), n}, out);
            if (!out.empty()) {
                auto [write_ec, written] =
                    co_await asio::async_write(s->socket, asio::buffer(out), no_throw);
                if (write_ec)
                    break;
            }
            if (!keep) {
                ++counts_.protocol_errors;
                spdlog::info("closing a connection after a protocol error: {}", out);
                break;
            }
        }
        counts_.commands += protocol.commands();
        ++counts_.closed;
        s->close();
    }

    // Closes the connection once it has been silent for the idle timeout.
    task<> watch(std::shared_ptr<Session> s) {
        while (s->open) {
            s->idle.expires_at(s->last + options_.idle_timeout);
            co_await s->idle.async_wait(no_throw);
            if (s->open && clock::now() - s->last >= options_.idle_timeout) {
                ++counts_.timed_out;
                spdlog::info("closing a connection silent for {}",
                             format_seconds(to_seconds(options_.idle_timeout)));
                s->close();
            }
        }
    }

    EchoServerOptions options_;
    asio::io_context loop_;
    asio::strand<asio::io_context::executor_type> strand_{loop_.get_executor()}; // the acceptor's
    tcp::acceptor acceptor_;
    tcp::endpoint endpoint_;
    std::mutex sessions_mutex_;
    std::vector<std::weak_ptr<Session>> sessions_;
    std::vector<std::jthread> threads_;
    std::once_flag stopped_;
};

// ---- the threads model: a blocking thread per connection -----------------------------------

class ThreadedEchoServer final : public EchoServer {
public:
    ThreadedEchoServer(const tcp::endpoint& where, const EchoServerOptions& options)
        : options_(options), acceptor_(listen_on(io_, where)),
          endpoint_(acceptor_.local_endpoint()), acceptor_thread_([this] { accept_loop(); }) {}
    ~ThreadedEchoServer() override { stop(); }

    tcp::endpoint endpoint() const override { return endpoint_; }

    void stop() override {
        std::call_once(stopped_, [this] {
            stopping_ = true;
            ::shutdown(acceptor_.native_handle(), SHUT_RDWR); // wakes the blocking accept()
            acceptor_thread_.join();
            for (Connection& c : connections_)
                ::shutdown(c.socket.native_handle(), SHUT_RDWR); // wakes its blocking read()
            connections_.clear();                                // joins every thread
        });
    }

private:
    // The socket stays open until the connection is reaped, so its descriptor is never reused
    // while stop() may still shut it down.
    struct Connection {
        tcp::socket socket;
        std::atomic<bool> done{false};
        std::jthread thread;
        explicit Connection(tcp::socket s) : socket(std::move(s)) {}
    };

    void accept_loop() {
        const auto idle =
            std::chrono::duration_cast<std::chrono::microseconds>(options_.idle_timeout);
        const timeval timeout{static_cast<time_t>(idle.count() / 1'000'000),
                              static_cast<suseconds_t>(idle.count() % 1'000'000)};
        while (!stopping_) {
            boost::system::error_code ec;
            tcp::socket socket(io_);
            acceptor_.accept(socket, ec);
            if (stopping_)
                return;
            if (ec) {
                ++counts_.accept_failures;
                spdlog::warn("accept failed: {}", ec.message());
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
                continue;
            }
            ++counts_.accepted;
            ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
            std::erase_if(connections_, [](const Connection& c) { return c.done.load(); });
            Connection& c = connections_.emplace_back(std::move(socket));
            try {
                c.thread = std::jthread([this, &c] {
                    serve(c.socket);
                    c.done = true;
                });
            } catch (const std::system_error& e) { // out of threads: this model's limit
                if (counts_.accept_failures++ == 0)
                    spdlog::warn("cannot start a thread for a connection: {}", e.what());
                ++counts_.closed;
                connections_.pop_back(); // closes the socket: the client sees the refusal
            }
        }
    }

    void serve(tcp::socket& socket) {
        EchoProtocol protocol(options_.max_frame, options_.resp);
        std::array<char, read_size> in;
        std::string out;
        for (;;) {
            boost::system::error_code ec;
            const std::size_t n = socket.read_some(asio::buffer(in), ec);
            if (ec == asio::error::would_block || ec == asio::error::try_again) {
                ++counts_.timed_out; // SO_RCVTIMEO: silent for the idle timeout
                break;
            }
            if (ec)
                break;
            counts_.bytes += n;
            out.clear();
            const bool keep = protocol.feed({in.data(), n}, out);
            if (!out.empty() && (asio::write(socket, asio::buffer(out), ec), ec))
                break;
            if (!keep) {
                ++counts_.protocol_errors;
                break;
            }
        }
        counts_.commands += protocol.commands();
        ++counts_.closed;
        boost::system::error_code ignored;
        socket.shutdown(tcp::socket::shutdown_both, ignored);
    }

    EchoServerOptions options_;
    asio::io_context io_; // blocking operations only
    tcp::acceptor acceptor_;
    tcp::endpoint endpoint_;
    std::atomic<bool> stopping_{false};
    std::list<Connection> connections_; // touched by the acceptor thread, then by stop()
    std::jthread acceptor_thread_;
    std::once_flag stopped_;
};

} // namespace

tcp::acceptor listen_on(asio::io_context& io, const tcp::endpoint& where) {
    tcp::acceptor acceptor(io);
    boost::system::error_code ec;
    acceptor.open(where.protocol(), ec);
    if (!ec)
        acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec)
        acceptor.bind(where, ec);
    if (!ec)
        acceptor.listen(tcp::acceptor::max_listen_connections, ec);
    if (ec)
        throw UsageError(fmt::format("--listen: cannot listen on {}:{}: {}",
                                     where.address().to_string(), where.port(), ec.message()));
    return acceptor;
}

std::unique_ptr<EchoServer> start_echo_server(EchoModel model, const tcp::endpoint& where,
                                              const EchoServerOptions& options) {
    if (model == EchoModel::threads)
        return std::make_unique<ThreadedEchoServer>(where, options);
    return std::make_unique<AsyncEchoServer>(where, options);
}

} // namespace parcook::async
