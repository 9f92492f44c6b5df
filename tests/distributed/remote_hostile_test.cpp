// A --listen server of the distributed group (the name server) against hostile and careless
// peers: malformed, oversized (4 GiB), truncated and slow frames, idle connections, 1,000
// connections opened and dropped; each closes only its own connection with one log line, and
// the server serves a well-behaved client afterwards. Also the token rule for non-loopback
// listens, and several roles run alone (--listen/--connect) as on several hosts.
#include "distributed/support/wire_io.hpp"
#include "support/listener.hpp"
#include "support/procfs.hpp"

#include <arpa/inet.h>
#include <catch2/catch.hpp>
#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <memory>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace parcook::test;
namespace wire = parcook::wire;

namespace {

// A well-behaved client: registers and looks up a name.
bool serves(const Listener& server, const std::string& token = "") {
    wire::ClientSettings settings;
    settings.timeout = std::chrono::seconds(5);
    settings.token = token;
    wire::Proxy ns({"Pyro.NameServer", "127.0.0.1", static_cast<std::uint16_t>(server.port)},
                   settings);
    ns.call("register", {"x", "PYRO:o@127.0.0.1:1"});
    return ns.call("lookup", {"x"}) == "PYRO:o@127.0.0.1:1";
}

// Waits (up to 10 s) until `name` is registered in the name server `ns`.
void wait_registered(const Listener& ns, const std::string& name) {
    wire::Proxy p({"Pyro.NameServer", "127.0.0.1", static_cast<std::uint16_t>(ns.port)}, {});
    for (int i = 0; i < 1000 && !p.call("list").as_object().contains(name); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

// Sends `bytes` on a fresh connection; true when the server then closes it within `wait`.
bool closes_after(const Listener& server, const std::string& bytes,
                  std::chrono::milliseconds wait = std::chrono::seconds(5)) {
    const int fd = connect_to(server.port);
    (void)!::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    bool closed = false;
    receive(fd, wait, &closed);
    ::close(fd);
    return closed;
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
        ++n;
    return n;
}

const std::string hello = wire::frame(wire::hello(""));

} // namespace

TEST_CASE("malformed, oversized and truncated frames close only their connection") {
    Listener server("distributed", "nameserver", {"--idle-timeout", "2s"});
    CHECK(closes_after(server, hello + wire::frame("this is not JSON")));
    CHECK(closes_after(server, hello + wire::frame(R"({"object":"Pyro.NameServer"})")));
    CHECK(closes_after(server, wire::frame("GET / HTTP/1.1")));
    CHECK(closes_after(server, hello + wire::header(UINT64_C(4) << 30) + "xxxx"));
    {
        const int fd = connect_to(server.port); // a truncated frame, then the peer hangs up
        const std::string part =
            hello + wire::frame(R"({"object":"x","method":"y"})").substr(0, 12);
        (void)!::send(fd, part.data(), part.size(), MSG_NOSIGNAL);
        ::close(fd);
    }
    CHECK(serves(server));
    const auto [code, record, log] = server.stop();
    CHECK(code == 0);
    INFO(log);
    CHECK(count(log, "closing 127.0.0.1:") == 5);
    CHECK(count(log, "not JSON") == 2);
    CHECK(count(log, "over the maximum") == 1);
    CHECK(count(log, "truncated frame") == 1);
    CHECK(count(log, "no string \"method\"") == 1);
    CHECK_THAT(record, Catch::Contains("\"protocol_errors\":5"));
}

TEST_CASE("slow, idle and half-open connections time out while others are served") {
    Listener server("distributed", "nameserver", {"--idle-timeout", "1s"});
    const int idle = connect_to(server.port);
    const int slow = connect_to(server.port);
    const std::string call = hello + wire::frame(R"({"object":"Pyro.NameServer","method":"list"})");
    std::jthread trickle([&] { // one byte a second
        for (std::size_t i = 0; i < 4; ++i) {
            if (::send(slow, call.data() + i, 1, MSG_NOSIGNAL) != 1)
                return;
            std::this_thread::sleep_for(std::chrono::seconds(1));
        }
    });
    CHECK(serves(server));
    bool closed = false;
    receive(idle, std::chrono::seconds(5), &closed);
    CHECK(closed);
    closed = false;
    receive(slow, std::chrono::seconds(5), &closed);
    CHECK(closed);
    trickle.join();
    ::close(idle);
    ::close(slow);
    CHECK(serves(server));
    const auto [code, record, log] = server.stop();
    CHECK(code == 0);
    INFO(log);
    CHECK(count(log, "no whole frame within") >= 2);
}

TEST_CASE("a peer that sends calls and never reads the replies is closed") {
    Listener server("distributed", "nameserver", {"--idle-timeout", "1s"});
    wire::Proxy ns({"Pyro.NameServer", "127.0.0.1", static_cast<std::uint16_t>(server.port)}, {});
    for (int i = 0; i < 200; ++i)
        ns.call("register", {"example.name." + std::to_string(i) + std::string(200, 'x'),
                             "PYRO:o@127.0.0.1:1"});
    const std::string list = wire::frame(R"({"object":"Pyro.NameServer","method":"list"})");
    std::string calls = hello;
    for (int i = 0; i < 2000; ++i) // 2,000 replies of 50 kB each: far more than the buffers
        calls += list;
    const int fd = connect_to(server.port);
    (void)!::send(fd, calls.data(), calls.size(), MSG_NOSIGNAL);
    std::this_thread::sleep_for(std::chrono::seconds(3)); // reading nothing meanwhile
    bool closed = false;
    receive(fd, std::chrono::seconds(10), &closed); // what was buffered, then the end
    ::close(fd);
    CHECK(closed);
    CHECK(serves(server));
    const auto [code, record, log] = server.stop();
    CHECK(code == 0);
    CHECK(count(log, "the reply not read within") == 1);
}

TEST_CASE("1,000 connections opened and dropped leave it serving") {
    Listener server("distributed", "nameserver", {});
    for (int i = 0; i < 1000; ++i) {
        const int fd = connect_to(server.port);
        REQUIRE(fd >= 0);
        if (i % 2)
            (void)!::send(fd, hello.data(), 3, MSG_NOSIGNAL); // some drop mid-hello
        ::close(fd);
    }
    CHECK(serves(server));
    const auto [code, record, log] = server.stop();
    CHECK(code == 0);
    CHECK_THAT(record, Catch::Contains("\"verified\":true"));
}

TEST_CASE("a non-loopback listen needs a token from PARCOOK_TOKEN or --token-file") {
    const auto refused = parcook::test::parcook(
        {"distributed", "nameserver", "--listen", "0.0.0.0:" + std::to_string(free_port())});
    CHECK(refused.code == 2);
    CHECK_THAT(refused.err, Catch::Contains("needs a shared token"));
    CHECK(parcook::test::parcook({"distributed", "nameserver", "--token", "x"}).code ==
          2); // never an option

    Listener server("distributed", "nameserver", {}, {"PARCOOK_TOKEN=open sesame"});
    CHECK(serves(server, "open sesame"));
    CHECK_THROWS_AS(serves(server, "open sesame!"), wire::RemoteError);
    CHECK_THROWS_AS(serves(server), wire::RemoteError);
    const auto [code, record, log] = server.stop();
    CHECK(code == 0);
    CHECK(count(log, "refused 127.0.0.1:") == 2);
    CHECK_THAT(record, Catch::Contains("\"refused\":2"));

    const std::string file = "/tmp/parcook-token-" + std::to_string(::getpid());
    std::ofstream(file) << "from a file\n";
    Listener with_file("distributed", "nameserver", {"--token-file", file});
    CHECK(serves(with_file, "from a file"));
    CHECK_THROWS_AS(serves(with_file, "open sesame"), wire::RemoteError);
    CHECK(with_file.stop().code == 0);
    ::unlink(file.c_str());
}

TEST_CASE("roles run alone: a name server, an object server and a client as three commands") {
    Listener ns("distributed", "nameserver", {});
    Listener server("distributed", "pyro-rmi", {"--connect", ns.address()});
    wait_registered(ns, "server");
    const auto client = record_of({"distributed", "pyro-rmi", "--connect", ns.address(), "--name",
                                   "Rashmi", "--format", "json"});
    CHECK(all_checks_passed(client));
    CHECK(field(client, "message") == "Hi welcome Rashmi");
    CHECK(server.stop().code == 0);
    CHECK(ns.stop().code == 0);

    Listener ring_ns("distributed", "nameserver", {});
    std::vector<std::unique_ptr<Listener>> ring;
    for (const char* k : {"1", "2", "3"})
        ring.push_back(std::make_unique<Listener>(
            "distributed", "pyro-chain",
            std::vector<std::string>{"--connect", ring_ns.address(), "--index", k}));
    for (const char* name : {"example.chain.1", "example.chain.2", "example.chain.3"})
        wait_registered(ring_ns, name);
    const auto chain = record_of(
        {"distributed", "pyro-chain", "--connect", ring_ns.address(), "--format", "json"});
    CHECK(all_checks_passed(chain));
    for (auto& server : ring) {
        const auto stopped = server->stop();
        CHECK(stopped.code == 0);
        CHECK_THAT(stopped.record, Catch::Contains("forwarding the message"));
    }
    CHECK(ring_ns.stop().code == 0);

    Listener rpyc("distributed", "rpyc", {});
    CHECK(all_checks_passed(
        record_of({"distributed", "rpyc", "--connect", rpyc.address(), "--format", "json"})));
    const auto stopped = rpyc.stop();
    CHECK(stopped.code == 0);
    CHECK_THAT(stopped.record, Catch::Contains("hi python cookbook"));

    Listener printer("distributed", "csp", {"--processes"});
    CHECK(all_checks_passed(record_of({"distributed", "csp", "--processes", "--connect",
                                       printer.address(), "--limit", "7", "--format", "json"})));
    const auto printed = printer.wait();
    CHECK(printed.code == 0);
    CHECK_THAT(printed.record, Catch::Contains("\"text\":\"6\""));
}

TEST_CASE("SIGINT or SIGTERM to an embedded run leaves no server running") {
    for (int sig : {SIGINT, SIGTERM}) {
        std::vector<std::string> words =
            command_words({"distributed", "pyro-shop", "--deposits", "1000000", "--clients", "2"});
        const std::vector<char*> argv = exec_vector(words);
        const pid_t run = ::fork();
        if (run == 0) {
            const int null = ::open("/dev/null", O_WRONLY);
            ::dup2(null, 1);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        std::vector<pid_t> servers;
        for (int i = 0; i < 500 && servers.size() < 2; ++i) { // name server and shop
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
            servers.clear();
            for (const auto& [pid, entry] : process_table())
                if (entry.parent == run)
                    servers.push_back(pid);
        }
        REQUIRE(servers.size() == 2);
        std::this_thread::sleep_for(std::chrono::milliseconds(200)); // depositing now
        ::kill(run, sig);
        int status = 0;
        ::waitpid(run, &status, 0);
        CHECK(WIFEXITED(status));
        CHECK(WEXITSTATUS(status) == 128 + sig);
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        const auto table = process_table();
        for (pid_t p : servers)
            CHECK((!table.contains(p) || table.at(p).state == 'Z'));
    }
}

TEST_CASE("a server that is not there, hangs up or says nothing fails the run (exit 1), never "
          "an internal error") {
    // a TCP port that accepts and closes every connection at once, and one that never answers
    auto listening = [] {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), len) == 0);
        REQUIRE(::listen(fd, 16) == 0);
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
        return std::pair{fd, std::to_string(ntohs(a.sin_port))};
    };
    const auto [hangs_up, hang_up_port] = listening();
    const auto [silent, silent_port] = listening();
    std::jthread closer([fd = hangs_up](std::stop_token stop) {
        while (!stop.stop_requested()) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 50) == 1)
                ::close(::accept(fd, nullptr, nullptr));
        }
    });
    for (const std::string& port : {std::string("1"), hang_up_port, silent_port}) {
        for (const std::vector<std::string>& recipe : {std::vector<std::string>{"nameserver"},
                                                       {"pyro-rmi"},
                                                       {"pyro-shop"},
                                                       {"pyro-chain"},
                                                       {"rpyc"},
                                                       {"csp", "--processes"}}) {
            std::vector<std::string> args{"distributed"};
            args.insert(args.end(), recipe.begin(), recipe.end());
            args.insert(args.end(), {"--connect", "127.0.0.1:" + port, "--timeout", "500ms",
                                     "--format", "json"});
            const Run r = parcook::test::parcook(args, std::chrono::seconds(30));
            INFO(recipe[0] << " at port " << port << "\nstdout: " << r.out
                           << "\nstderr: " << r.err);
            CHECK(r.code == 1);
            CHECK(r.err.find("internal error") == std::string::npos);
            CHECK_THAT(r.out, Catch::Contains("every server answered within --timeout"));
        }
    }
    closer.request_stop();
    closer.join();
    ::close(hangs_up);
    ::close(silent);
}
