// Faults around the task queue: an unreachable or silent broker, malformed messages, a worker
// killed mid-task (kill -9), the broker killed mid-job and SIGINT. Every wait is bounded and
// nothing may be left running.
#include "distributed/queue_harness.hpp"
#include "distributed/support/queue_client.hpp"
#include "distributed/support/queue_message.hpp"
#include "support/procfs.hpp"

#include <arpa/inet.h>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace parcook;
using namespace parcook::test;

namespace {

// A loopback TCP socket bound to a free port; listening (accepts, never answers) or not.
struct Port {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    int number = 0;
    explicit Port(bool listen) {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
        socklen_t len = sizeof a;
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
        number = ntohs(a.sin_port);
        if (listen)
            ::listen(fd, 8);
        else
            ::close(std::exchange(fd, -1)); // nothing listens there now
    }
    ~Port() {
        if (fd >= 0)
            ::close(fd);
    }
};

std::string comm_of(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/comm");
    std::string s;
    std::getline(in, s);
    return s;
}

std::vector<pid_t> children_of(pid_t parent) {
    std::vector<pid_t> kids;
    for (const auto& [pid, entry] : process_table())
        if (entry.parent == parent)
            kids.push_back(pid);
    return kids;
}

bool gone(pid_t pid) {
    return ::kill(pid, 0) != 0 && errno == ESRCH;
}

std::string hash_field(queue::Redis& r, const std::string& key, const std::string& field) {
    const queue::Reply v = r.command({"HGET", key, field});
    return queue::is_nil(*v) ? "" : std::string(queue::text_of(*v));
}

} // namespace

TEST_CASE("faults: a closed port and a silent broker end within --timeout, password masked") {
    const Port closed(false);
    const std::string url = "redis://:s3cret@127.0.0.1:" + std::to_string(closed.number);
    const Run refused = parcook::test::parcook(
        {"distributed", "pi", "--broker", url, "--workers", "0", "--timeout", "2s"}, 20s);
    CHECK(refused.code == 1);
    CHECK(refused.seconds < 10);
    CHECK(refused.out.find("cannot reach the broker at redis://:****@127.0.0.1") !=
          std::string::npos);
    CHECK(refused.out.find("s3cret") == std::string::npos);
    CHECK(refused.err.find("s3cret") == std::string::npos);

    const Port silent(true);
    const Run quiet = parcook::test::parcook({"distributed", "celery-add", "--broker",
                                              "redis://127.0.0.1:" + std::to_string(silent.number),
                                              "--workers", "0", "--timeout", "1s"},
                                             20s);
    CHECK(quiet.code == 1);
    CHECK(quiet.seconds < 10);
    CHECK(quiet.out.find("no answer") != std::string::npos);
}

TEST_CASE("faults: garbage, truncated, oversized, wrong-shape and unknown tasks are rejected") {
    const auto broker = test_broker();
    queue::Redis r(broker->url(), 10s);
    const queue::TaskMessage good = queue::make_task("parcook.add", {2, 3}, "celery");
    const std::string whole = queue::encode(good);
    queue::TaskMessage big =
        queue::make_task("parcook.add", {std::string(10 << 20, 'x'), 1}, "celery");
    queue::TaskMessage unknown = queue::make_task("parcook.nope", {1}, "celery");
    queue::TaskMessage shaped = queue::make_task("parcook.add", {1, 2}, "celery");
    std::string wrong = queue::encode(shaped);
    const std::string body = queue::base64_encode("{\"a\": 1}"); // not [args, kwargs, embed]
    const auto at = wrong.find("\"body\":\"") + 8;
    wrong.replace(at, wrong.find('"', at) - at, body);
    for (const std::string& m : {std::string("not json {"), whole.substr(0, whole.size() / 2),
                                 queue::encode(big), wrong, queue::encode(unknown), whole})
        r.command({"LPUSH", "celery", m});

    Spawned worker(parcook_argv({"distributed", "worker", "--broker", url_of(*broker),
                                 "--max-tasks", "6", "--max-message", "1MiB", "--timeout", "10s"}));
    REQUIRE(worker.wait_for(30s) == 0);
    const std::string log = worker.output();
    INFO(log);
    CHECK(count_of(log, "Rejected message") == 4);
    CHECK(count_of(log, "Received unregistered task of type 'parcook.nope'") == 1);
    CHECK(log.find("Task parcook.add[" + good.id + "] succeeded in") != std::string::npos);
    CHECK(log.find("over --max-message") != std::string::npos);
    queue::Client client(broker->url(), 5s);
    CHECK(client.get(good.id) == 5);
    CHECK_THROWS_WITH(client.get(unknown.id), Catch::Contains("NotRegistered"));
    CHECK_THROWS_WITH(client.get(shaped.id), Catch::Contains("DecodeError"));
    CHECK_THROWS_WITH(client.get(big.id), Catch::Contains("over --max-message"));
    CHECK(r.command({"HLEN", "unacked"})->integer == 0);
    CHECK(r.command({"LLEN", "celery"})->integer == 0);
}

TEST_CASE("faults: messages whose text misleads a plain search are recorded by their parse") {
    const auto broker = test_broker();
    queue::Redis r(broker->url(), 10s);
    // The fetch finds the delivery tag by searching the text; decoy keys of the same names in
    // the headers come first. The worker's parse finds the real ones and corrects the record.
    auto with_decoys = [](const queue::TaskMessage& m, bool drop_tag) {
        boost::json::value v = boost::json::parse(queue::encode(m));
        boost::json::object& headers = v.at("headers").as_object();
        headers["delivery_tag"] = "decoy-tag";
        headers["exchange"] = "decoy-exchange";
        headers["routing_key"] = "decoy-queue";
        if (drop_tag)
            v.at("properties").as_object().erase("delivery_tag");
        return boost::json::serialize(v);
    };
    const queue::TaskMessage tagged = queue::make_task("parcook.add", {1, 2}, "celery");
    const queue::TaskMessage untagged = queue::make_task("parcook.add", {3, 4}, "celery");
    r.command({"LPUSH", "celery", with_decoys(tagged, false)});
    r.command({"LPUSH", "celery", with_decoys(untagged, true)});
    Spawned worker(parcook_argv({"distributed", "worker", "--broker", url_of(*broker),
                                 "--max-tasks", "2", "--timeout", "10s"}));
    REQUIRE(worker.wait_for(30s) == 0);
    INFO(worker.output());
    queue::Client client(broker->url(), 5s);
    CHECK(client.get(tagged.id) == 3);
    CHECK(client.get(untagged.id) == 7);
    CHECK(r.command({"HLEN", "unacked"})->integer == 0);
    CHECK(r.command({"ZCARD", "unacked_index"})->integer == 0);
}

namespace {
// A worker running one task at a time whose deliveries come back after 1 s unacked.
std::vector<std::string> one_task_worker(const queue::EmbeddedBroker& broker) {
    return {"distributed",          "worker", "--broker",  url_of(broker), "--concurrency", "1",
            "--visibility-timeout", "1s",     "--timeout", "10s"};
}
} // namespace

TEST_CASE("faults: kill -9 of a worker mid-task loses nothing (restored, completed, once)") {
    const auto broker = test_broker();
    const std::vector<std::string> serve = one_task_worker(*broker);
    queue::Client client(broker->url(), 20s);
    std::vector<boost::json::array> args(6, boost::json::array{0.3});
    const std::vector<std::string> ids = client.send("parcook.sleep", args);
    {
        Spawned doomed(parcook_argv(serve));
        REQUIRE(doomed.wait_output("Received task: parcook.sleep", 20s));
        doomed.signal(SIGKILL);
        REQUIRE(doomed.wait_for(5s) == -SIGKILL);
    }
    Spawned rescuer(parcook_argv(serve));
    const auto values = client.get(ids);
    INFO(rescuer.output());
    CHECK(values.size() == 6);
    for (const auto& v : values)
        CHECK(v == 0.3);
    CHECK(rescuer.output().find("Restored") != std::string::npos);
    queue::Redis r(broker->url(), 5s);
    CHECK(std::stoi(hash_field(r, "parcook-stats:parcook.sleep", "retried")) >= 1);
    rescuer.signal(SIGTERM); // warm shutdown
    CHECK(rescuer.wait_for(10s) == 0);
    CHECK(r.command({"HLEN", "unacked"})->integer == 0);
}

TEST_CASE("faults: the broker killed mid-job is a clear error, nothing left running") {
    Spawned run(parcook_argv({"distributed", "scoop-mapreduce", "--mode", "map", "--n", "400",
                              "--sleep", "20ms", "--workers", "2", "--timeout", "3s"}));
    pid_t redis = -1;
    std::vector<pid_t> kids;
    for (int i = 0; i < 500 && (redis < 0 || kids.size() < 3); ++i) {
        std::this_thread::sleep_for(10ms);
        kids = children_of(run.pid());
        for (pid_t k : kids)
            if (comm_of(k) == "redis-server")
                redis = k;
    }
    if (redis < 0) {
        WARN("not run: no redis-server started");
        return;
    }
    std::ifstream cmd("/proc/" + std::to_string(redis) + "/cmdline");
    std::string args((std::istreambuf_iterator<char>(cmd)), {});
    const auto at = args.find("/redis.sock");
    const std::string dir = args.substr(0, at).substr(args.substr(0, at).rfind('\0') + 1);
    std::this_thread::sleep_for(300ms); // the job is under way
    ::kill(redis, SIGKILL);
    const auto code = run.wait_for(20s);
    INFO(run.output());
    REQUIRE(code);
    CHECK(*code == 1);
    CHECK(run.output().find("broker") != std::string::npos);
    for (pid_t k : kids)
        CHECK(gone(k));
    CHECK(!std::filesystem::exists(dir));
}

TEST_CASE(
    "faults: SIGINT mid-job stops the workers and the private broker, removes its directory") {
    Spawned run(parcook_argv({"distributed", "scoop-mapreduce", "--mode", "map", "--n", "400",
                              "--sleep", "20ms", "--workers", "2"}));
    std::vector<pid_t> kids;
    for (int i = 0; i < 500 && kids.size() < 3; ++i) {
        std::this_thread::sleep_for(10ms);
        kids = children_of(run.pid());
    }
    REQUIRE(kids.size() >= 3);
    std::this_thread::sleep_for(300ms);
    run.signal(SIGINT);
    REQUIRE(run.wait_for(10s) == 130);
    for (pid_t k : kids)
        CHECK(gone(k));
}

TEST_CASE("faults: a task longer than the visibility timeout runs once (its worker keeps it)") {
    const auto broker = test_broker();
    const std::vector<std::string> serve = one_task_worker(*broker);
    Spawned one(parcook_argv(serve)), two(parcook_argv(serve));
    queue::Client client(broker->url(), 20s);
    CHECK(client.get(client.delay("parcook.sleep", {2.5})) == 2.5);
    INFO(one.output() << "\n---\n" << two.output());
    CHECK(one.output().find("Restored") == std::string::npos);
    CHECK(two.output().find("Restored") == std::string::npos);
    queue::Redis r(broker->url(), 5s);
    CHECK(hash_field(r, "parcook-stats:parcook.sleep", "retried").empty());
    CHECK(hash_field(r, "parcook-stats:parcook.sleep", "received") == "1");
}

TEST_CASE("faults: a worker on a running broker reconnects after a restart, or gives up after "
          "--reconnect") {
    if (!test_broker()) {
        WARN("not run: no redis-server on PATH");
        return;
    }
    const std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("parcook-reconnect-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    const std::string socket = (dir / "redis.sock").string();
    const std::vector<std::string> redis{"redis-server", "--port", "0",         "--unixsocket",
                                         socket,         "--save", "",          "--appendonly",
                                         "no",           "--dir",  dir.string()};
    const queue::BrokerUrl url = queue::parse_broker_url("unix://" + socket, "--broker");
    auto answering = [&] {
        for (int i = 0; i < 100; ++i, std::this_thread::sleep_for(50ms))
            try {
                queue::Redis(url, 1s).command({"PING"});
                return true;
            } catch (const queue::BrokerError&) {
            }
        return false;
    };
    auto first = std::make_unique<Spawned>(redis);
    REQUIRE(answering());
    Spawned worker(parcook_argv({"distributed", "worker", "--broker", "unix://" + socket,
                                 "--concurrency", "1", "--reconnect", "20s", "--timeout", "2s"}));
    first.reset(); // SIGKILL: the broker is gone
    REQUIRE(worker.wait_output("broker lost", 10s));
    Spawned second(redis);
    REQUIRE(answering());
    {
        queue::Client client(url, 20s);
        CHECK(client.get(client.delay("parcook.add", {20, 22})) == 42);
    }
    worker.signal(SIGTERM);
    CHECK(worker.wait_for(10s) == 0);

    Spawned giving_up(parcook_argv({"distributed", "worker", "--broker", "unix://" + socket,
                                    "--concurrency", "1", "--reconnect", "1s", "--timeout", "1s"}));
    REQUIRE(giving_up.wait_output("[tasks]", 10s));
    second.signal(SIGKILL);
    const auto code = giving_up.wait_for(15s);
    INFO(giving_up.output());
    CHECK(code == 1);
    CHECK(count_of(giving_up.output(), "broker lost") >= 1);
    std::filesystem::remove_all(dir);
}
