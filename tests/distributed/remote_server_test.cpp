// The object server in-process, on a loop run by 4 threads: calls on one object run one at a
// time; a coroutine method that waits does not hold up other calls; a remote error reaches the
// caller as an exception and the connection stays usable.
#include "distributed/support/remote_server.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

namespace wire = parcook::wire;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

wire::ServerSettings four_threads() {
    wire::ServerSettings s;
    s.threads = 4;
    return s;
}

wire::Uri at(const wire::ObjectServer& server, std::string id) {
    return server.uri(std::move(id));
}

} // namespace

TEST_CASE("calls on one object run one at a time, whatever the loop threads") {
    wire::ObjectServer server({boost::asio::ip::address_v4::loopback(), 0}, four_threads());
    auto counter = std::make_shared<std::int64_t>(0); // deliberately not atomic
    server.add("counter", {{"add", wire::plain([counter](wire::Session&, const json::array&) {
                                const std::int64_t seen = *counter;
                                std::this_thread::yield();
                                *counter = seen + 1;
                                return json::value(*counter);
                            })}});
    server.start();
    {
        std::vector<std::jthread> clients;
        for (int c = 0; c < 4; ++c)
            clients.emplace_back([&] {
                wire::Proxy p(at(server, "counter"), {});
                for (int i = 0; i < 500; ++i)
                    p.call("add");
            });
    }
    CHECK(wire::Proxy(at(server, "counter"), {}).call("add") == 2001);
    server.stop();
    CHECK(server.counts().accepted == server.counts().closed);
}

TEST_CASE("a method that waits does not hold up the server") {
    wire::ObjectServer server({boost::asio::ip::address_v4::loopback(), 0}, {});
    server.add("slow", {{"wait", wire::awaiting([](wire::Session&, const json::array&)
                                                    -> parcook::async::task<json::value> {
                             co_await parcook::async::sleep(500ms);
                             co_return "waited";
                         })}});
    server.add("fast", {{"now", wire::plain([](wire::Session&, const json::array&) {
                             return json::value("now");
                         })}});
    server.start();
    std::atomic<bool> slow_done{false};
    json::value slow_answer; // checked on this thread: Catch is not thread-safe
    std::jthread slow([&] {
        slow_answer = wire::Proxy(at(server, "slow"), {}).call("wait");
        slow_done = true;
    });
    std::this_thread::sleep_for(50ms);
    CHECK(wire::Proxy(at(server, "fast"), {}).call("now") == "now");
    CHECK_FALSE(slow_done); // answered while the slow call was still waiting
    slow.join();
    CHECK(slow_answer == "waited");
    server.stop();
}

TEST_CASE("remote errors are exceptions in the caller, and the connection serves on") {
    wire::ObjectServer server({boost::asio::ip::address_v4::loopback(), 0}, {});
    server.add("o", {{"fail", wire::plain([](wire::Session&, const json::array&) -> json::value {
                          throw wire::RemoteError("KeyError", "unknown account");
                      })},
                     {"echo", wire::plain([](wire::Session&, const json::array& args) {
                          return json::value(wire::string_arg(args, 0));
                      })}});
    server.start();
    wire::Proxy p(at(server, "o"), {});
    try {
        p.call("fail");
        FAIL("no exception");
    } catch (const wire::RemoteError& e) {
        CHECK(e.type == "KeyError");
        CHECK(e.message == "unknown account");
    }
    CHECK_THROWS_WITH(p.call("echo", {1}), "TypeError: argument 1 must be a string");
    CHECK_THROWS_WITH(p.call("nothing"), "UnknownMethod: o has no method nothing");
    CHECK_THROWS_AS(wire::Proxy(at(server, "x"), {}).call("echo", {"a"}), wire::RemoteError);
    CHECK(p.call("echo", {"still here"}) == "still here");
    server.stop();
}
