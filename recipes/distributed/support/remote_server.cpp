#include "distributed/support/remote_server.hpp"

#include "async/support/echo_server.hpp"
#include "parcook/errors.hpp"

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/host_name.hpp>
#include <boost/asio/strand.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <thread>

namespace parcook::wire {
namespace json = boost::json;
using clock = std::chrono::steady_clock;
using Strand = asio::strand<asio::io_context::executor_type>;

std::string string_arg(const json::array& args, std::size_t i) {
    if (i >= args.size() || !args[i].is_string())
        throw RemoteError("TypeError", fmt::format("argument {} must be a string", i + 1));
    return std::string(args[i].get_string());
}

std::int64_t int_arg(const json::array& args, std::size_t i) {
    if (i >= args.size() || !args[i].is_int64())
        throw RemoteError("TypeError", fmt::format("argument {} must be an integer", i + 1));
    return args[i].get_int64();
}

struct ObjectServer::Impl {
    struct Hosted {
        Object methods;
        Strand strand; // for its coroutine methods
        std::unique_ptr<std::mutex> lock = std::make_unique<std::mutex>(); // for the others
    };
    struct Connection {
        tcp::socket socket;
        asio::steady_timer timer;
        std::string peer;
        std::string in;                                        // received, not yet taken as frames
        std::array<char, 16 * 1024> chunk;                     // what one read brings
        clock::time_point deadline = clock::time_point::max(); // for `awaiting` to happen
        const char* awaiting = "";
        bool open = true;
        explicit Connection(tcp::socket s) : socket(std::move(s)), timer(socket.get_executor()) {
            boost::system::error_code ec;
            const auto at = socket.remote_endpoint(ec);
            peer = ec ? "?" : fmt::format("{}:{}", at.address().to_string(), at.port());
        }
        void close() {
            open = false;
            boost::system::error_code ignored;
            socket.close(ignored);
            timer.cancel();
        }
    };

    ServerSettings settings;
    asio::io_context loop;
    Strand strand{loop.get_executor()}; // the acceptor's
    tcp::acceptor acceptor{loop};
    tcp::endpoint endpoint; // where the acceptor listens (read without touching it)
    std::map<std::string, Hosted, std::less<>> objects; // fixed once serving
    std::mutex connections_mutex;
    std::vector<std::weak_ptr<Connection>> connections;
    std::vector<std::jthread> threads;
    std::once_flag stopped;
    ServerCounts counts;

    task<> accept_loop() {
        constexpr auto no_throw = asio::as_tuple(asio::use_awaitable);
        for (;;) {
            auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(loop), no_throw);
            if (ec == asio::error::operation_aborted || !acceptor.is_open())
                co_return;
            if (ec) { // out of descriptors, say: keep serving the others, try again shortly
                spdlog::warn("accept failed: {}", ec.message());
                co_await async::sleep(std::chrono::milliseconds(10));
                continue;
            }
            ++counts.accepted;
            socket.set_option(tcp::no_delay(true), ec);
            auto c = std::make_shared<Connection>(std::move(socket));
            if (settings.on_session)
                settings.on_session(c->peer, "accepted");
            {
                std::lock_guard lock(connections_mutex);
                std::erase_if(connections, [](const auto& w) { return w.expired(); });
                connections.push_back(c);
            }
            asio::co_spawn(c->socket.get_executor(), serve(c), asio::detached);
            asio::co_spawn(c->socket.get_executor(), watch(c), asio::detached);
        }
    }

    // A frame must arrive whole by the connection's deadline, or the connection is closed.
    // Reads take whatever has arrived, so a frame usually costs one read.
    task<std::string> next_frame(Connection& c) {
        expect(c, "no whole frame");
        for (;;) {
            if (auto body = take_frame(c.in, settings.max_frame)) {
                c.deadline = clock::time_point::max(); // a call may take as long as it takes
                co_return std::move(*body);
            }
            auto [ec, n] = co_await c.socket.async_read_some(asio::buffer(c.chunk),
                                                             asio::as_tuple(asio::use_awaitable));
            if (ec && (c.in.empty() || ec == asio::error::operation_aborted ||
                       ec == asio::error::bad_descriptor))
                throw boost::system::system_error(ec); // between frames, or closed here
            if (ec)
                throw ProtocolError(fmt::format("a truncated frame ({})", ec.message()));
            c.in.append(c.chunk.data(), n);
        }
    }

    task<> serve(std::shared_ptr<Connection> c) {
        try {
            const std::string token = read_hello(co_await next_frame(*c));
            if (!settings.token.empty() && !same_token(token, settings.token)) {
                ++counts.refused;
                spdlog::warn("refused {}: no valid token", c->peer);
                co_await write_frame(c->socket, encode_error("Refused", "no valid token"));
            } else {
                co_await write_frame(c->socket, encode_result(protocol_version));
                if (settings.on_session)
                    settings.on_session(c->peer, "welcome");
                Session session{c->peer, false, {}};
                while (c->open)
                    co_await answer(*c, session, co_await next_frame(*c));
            }
        } catch (const ProtocolError& e) {
            ++counts.protocol_errors;
            spdlog::warn("closing {}: {}", c->peer, e.what());
        } catch (const boost::system::system_error&) {
            // closed by the peer, by stop() or by watch(), which logged why
        }
        ++counts.closed;
        c->close();
    }

    // The connection is closed unless `what` happens within the idle timeout.
    void expect(Connection& c, const char* what) {
        c.awaiting = what;
        c.deadline = clock::now() + settings.idle_timeout;
        c.timer.cancel(); // watch() takes the new deadline
    }

    task<> answer(Connection& c, Session& session, std::string body) {
        const Call call = decode_call(body);
        ++counts.calls;
        const std::string reply = co_await dispatch(call, session);
        expect(c, "the reply not read"); // a peer that never reads cannot hold the connection
        for (const std::string& line : std::exchange(session.output, {}))
            co_await write_frame(c.socket, encode_output(line));
        co_await write_frame(c.socket, reply);
    }

    task<std::string> dispatch(const Call& call, Session& session) {
        const auto object = objects.find(call.object);
        if (object == objects.end())
            co_return encode_error("UnknownObject", fmt::format("no object {}", call.object));
        const auto method = object->second.methods.find(call.method);
        if (method == object->second.methods.end())
            co_return encode_error("UnknownMethod",
                                   fmt::format("{} has no method {}", call.object, call.method));
        try {
            const Method& m = method->second;
            if (m.now) {
                std::lock_guard lock(*object->second.lock);
                co_return encode_result(m.now(session, call.args));
            }
            co_return encode_result(co_await asio::co_spawn(
                object->second.strand, m.later(session, call.args), asio::use_awaitable));
        } catch (const RemoteError& e) {
            co_return encode_error(e.type, e.message);
        } catch (const std::exception& e) {
            co_return encode_error("Error", e.what());
        }
    }

    task<> watch(std::shared_ptr<Connection> c) {
        while (c->open) {
            c->timer.expires_at(c->deadline);
            co_await c->timer.async_wait(asio::as_tuple(asio::use_awaitable));
            if (c->open && clock::now() >= c->deadline) {
                ++counts.timed_out;
                spdlog::warn("closing {}: {} within {}", c->peer, c->awaiting,
                             format_seconds(to_seconds(settings.idle_timeout)));
                c->close();
            }
        }
    }
};

ObjectServer::ObjectServer(const tcp::endpoint& where, ServerSettings settings)
    : impl_(std::make_unique<Impl>()) {
    impl_->settings = std::move(settings);
    impl_->acceptor = async::listen_on(impl_->loop, where);
    impl_->endpoint = impl_->acceptor.local_endpoint();
}

ObjectServer::~ObjectServer() {
    stop();
}

void ObjectServer::add(std::string id, Object object) {
    impl_->objects.emplace(std::move(id),
                           Impl::Hosted{std::move(object), Strand(impl_->loop.get_executor())});
}

void ObjectServer::start() {
    asio::co_spawn(impl_->strand, impl_->accept_loop(), asio::detached);
    for (unsigned i = 0; i < std::max(1u, impl_->settings.threads); ++i)
        impl_->threads.emplace_back([this] { impl_->loop.run(); });
}

void ObjectServer::stop() {
    std::call_once(impl_->stopped, [this] {
        Impl& s = *impl_;
        asio::post(s.strand, [&s] {
            s.acceptor.close();
            std::lock_guard lock(s.connections_mutex);
            for (auto& weak : s.connections)
                if (auto c = weak.lock())
                    asio::post(c->socket.get_executor(), [c] { c->close(); });
        });
        for (std::jthread& t : s.threads)
            t.join(); // the loop runs out of work once every connection has ended
    });
}

tcp::endpoint ObjectServer::endpoint() const {
    return impl_->endpoint;
}

Uri ObjectServer::uri(std::string id) const {
    const tcp::endpoint at = endpoint();
    // Listening on every address (0.0.0.0): other hosts reach it by this host's name.
    return {std::move(id),
            at.address().is_unspecified() ? asio::ip::host_name() : at.address().to_string(),
            at.port()};
}

const ServerCounts& ObjectServer::counts() const {
    return impl_->counts;
}

Object name_server_object() {
    auto names = std::make_shared<std::map<std::string, std::string>>(); // on the object's strand
    auto known = [names](const std::string& name) {
        const auto it = names->find(name);
        if (it == names->end())
            throw RemoteError("NamingError", fmt::format("unknown name {}", name));
        return it;
    };
    return {
        {"register", plain([names](Session&, const json::array& args) -> json::value {
             const std::string uri = string_arg(args, 1);
             if (!parse_pyro_uri(uri))
                 throw RemoteError("NamingError", "not a PYRO: URI");
             (*names)[string_arg(args, 0)] = uri;
             return nullptr;
         })},
        {"lookup", plain([known](Session&, const json::array& args) -> json::value {
             return json::value(known(string_arg(args, 0))->second);
         })},
        {"unregister", plain([names, known](Session&, const json::array& args) -> json::value {
             names->erase(known(string_arg(args, 0)));
             return nullptr;
         })},
        {"list", plain([names](Session&, const json::array&) -> json::value {
             json::object all;
             for (const auto& [name, uri] : *names)
                 all[name] = uri;
             return all;
         })},
    };
}

} // namespace parcook::wire
