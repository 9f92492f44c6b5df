// The task-queue recipes' Verify rules (COOKBOOK 3.5), each on its own private broker.
#include "distributed/queue_harness.hpp"
#include "distributed/support/queue_client.hpp"
#include "support/run.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>
#include <unistd.h>

using namespace parcook::test;

namespace {

std::set<std::string> ids_in(const boost::json::object& record, const std::string& prefix) {
    std::set<std::string> ids;
    for (const std::string& t : trace_texts(record))
        if (t.starts_with(prefix))
            ids.insert(t.substr(prefix.size(), 36));
    return ids;
}

} // namespace

TEST_CASE("distributed/broker: FIFO, one consumer per message, an unacked message restored") {
    const auto r = record_of({"distributed", "broker", "--visibility-timeout", "200ms"});
    CHECK(all_checks_passed(r));
    CHECK(r.at("checks").as_array().size() == 5);
}

TEST_CASE("distributed/celery-add: Celery's log lines, three clients, concurrency 2") {
    const auto r = record_of(
        {"distributed", "celery-add", "--sleep", "300ms", "--round-trips", "10", "--latency", "5"});
    CHECK(all_checks_passed(r));
    const auto received = ids_in(r, "Received task: parcook.add[");
    const auto succeeded = ids_in(r, "Task parcook.add[");
    CHECK(received.size() == 19); // the first add, three clients, 10 round trips, 5 latencies
    CHECK(received == succeeded);
    CHECK(metric(r, "two_sleeps") < 0.45);
    CHECK(metric(r, "delay_get_latency") > 0);
    bool ten = false;
    for (const std::string& t : trace_texts(r))
        ten |= t.starts_with("AsyncResult(") && t.ends_with(".get() = 10");
    CHECK(ten);
}

TEST_CASE("distributed/pi: the same hits for 1, 2 and 4 workers as processes/pi") {
    const std::vector<std::string> size{"--n", "300000", "--seed", "7", "-r", "1"};
    auto with = [&](std::vector<std::string> args) {
        args.insert(args.end(), size.begin(), size.end());
        return record_of(args);
    };
    const auto one = with({"distributed", "pi", "--workers", "1"});
    const auto two = with({"distributed", "pi", "--workers", "2", "--tasks", "5"});
    const auto four = with({"distributed", "pi", "--workers", "4", "--tasks", "13"});
    const auto processes = with({"processes", "pi", "--workers", "2"});
    CHECK(all_checks_passed(one));
    CHECK(all_checks_passed(four));
    CHECK(field(one, "result") == field(two, "result"));
    CHECK(field(one, "result") == field(four, "result"));
    CHECK(field(one, "result") == field(processes, "result"));
    CHECK(field(four, "tasks").to_number<int>() == 13);
}

TEST_CASE("distributed/scoop-mapreduce: every mode sums to 332833500 and map keeps input order") {
    for (const char* mode : {"map", "as-completed", "mapreduce", "serial"}) {
        INFO(mode);
        const auto r = record_of(
            {"distributed", "scoop-mapreduce", "--mode", mode, "--sleep", "0", "--workers", "2"});
        CHECK(all_checks_passed(r));
        bool sum = false;
        for (const std::string& t : trace_texts(r))
            sum |= t.ends_with(": 332833500");
        CHECK(sum);
    }
    const auto fast = record_of({"distributed", "scoop-mapreduce", "--n", "200", "--sleep", "5ms",
                                 "--workers", "4", "--mode", "map"});
    CHECK(all_checks_passed(fast)); // includes parallel < serial / 2
    CHECK(metric(fast, "speedup") > 2);
}

TEST_CASE("distributed/word-count: the 18 Disco counts for any M and R") {
    const auto base = record_of({"distributed", "word-count", "--n", "1", "-r", "1"});
    CHECK(all_checks_passed(base));
    for (auto [m, r] : {std::pair{"1", "1"}, {"3", "2"}, {"7", "5"}}) {
        const auto other = record_of(
            {"distributed", "word-count", "--n", "1", "-r", "1", "--tasks", m, "--partitions", r});
        CHECK(all_checks_passed(other));
        CHECK(field(other, "result") == field(base, "result"));
    }
    const auto big = record_of({"distributed", "word-count", "--n", "300", "-r", "1"});
    CHECK(all_checks_passed(big));
}

TEST_CASE("distributed/vector-sum and fib-map: the shared workloads verify") {
    CHECK(all_checks_passed(record_of({"distributed", "vector-sum", "--n", "1e5", "-r", "1"})));
    const auto fib = record_of({"distributed", "fib-map", "--list", "25,20,15", "--n", "2"});
    CHECK(all_checks_passed(fib));
    CHECK(field(fib, "tasks").to_number<int>() == 6);
}

TEST_CASE("distributed/worker --self-check and stats on a private broker") {
    const auto w = record_of({"distributed", "worker", "--self-check", "50"});
    CHECK(all_checks_passed(w));
    const auto s = record_of({"distributed", "stats"});
    CHECK(all_checks_passed(s));
    CHECK(field(s, "tasks").at("parcook.add").at("succeeded").to_number<int>() == 3);
    const Run csv = parcook::test::parcook({"distributed", "stats", "--format", "csv"});
    CHECK(csv.code == 0);
    CHECK(csv.out.starts_with("recipe,broker,queues,unacked"));
    // other queues are reported beside the one the demonstration checks
    const auto other = record_of({"distributed", "stats", "--queues", "jobs,1e18"});
    CHECK(all_checks_passed(other));
    CHECK(field(other, "queues").as_object().size() == 3);
}

TEST_CASE("distributed/word-count --output writes Disco's two files in their orders") {
    const std::string dir =
        std::filesystem::temp_directory_path() / ("parcook-wc-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto r = record_of({"distributed", "word-count", "--n", "1", "-r", "1", "--output", dir});
    CHECK(all_checks_passed(r));
    std::ifstream numeric(dir + "/SortNumerical.txt");
    std::string first;
    std::getline(numeric, first);
    CHECK(first == "are\t6");
    std::filesystem::remove_all(dir);
}

TEST_CASE("distributed/pi --book runs the book's three sizes, each within 6 sigma") {
    const auto r = record_of({"distributed", "pi", "--book"});
    CHECK(all_checks_passed(r));
    CHECK(r.at("checks").as_array().size() == 3);
    const auto texts = trace_texts(r);
    CHECK(std::count(texts.begin(), texts.end(),
                     "number of workers 2000 - number of attempts 2000") == 1);
}

TEST_CASE("two clients' large batches: each gets its own results, under its own id prefix") {
    const auto broker = test_broker();
    if (!broker) {
        WARN("not run: no redis-server on PATH");
        return;
    }
    Spawned worker(parcook_argv({"distributed", "worker", "--broker", url_of(*broker),
                                 "--concurrency", "2", "--timeout", "10s"}));
    constexpr int n = 300; // over the size from which a client subscribes by pattern
    std::vector<std::string> ids[2];
    std::vector<boost::json::value> sums[2];
    {
        std::vector<std::jthread> clients;
        for (int c = 0; c < 2; ++c)
            clients.emplace_back([&, c] {
                parcook::queue::Client client(broker->url(), std::chrono::seconds(20));
                std::vector<boost::json::array> args;
                for (int i = 0; i < n; ++i)
                    args.push_back({i, 1000 * c});
                ids[c] = client.send("parcook.add", args);
                sums[c] = client.get(ids[c]);
            });
    }
    for (int c = 0; c < 2; ++c) {
        REQUIRE(sums[c].size() == n);
        for (int i = 0; i < n; ++i)
            CHECK(sums[c][i] == boost::json::value(i + 1000 * c));
        for (const std::string& id : ids[c])
            CHECK(id.substr(0, 8) == ids[c][0].substr(0, 8));
    }
    CHECK(ids[0][0].substr(0, 8) != ids[1][0].substr(0, 8));
}
