#include "ipc_checks.hpp"

namespace parcook::test {

namespace {

// The numbers after `prefix` in the lines of `who`.
std::vector<int> numbers(const boost::json::object& r, const std::string& who,
                         const std::string& prefix) {
    std::vector<int> v;
    for (const auto& line : r.at("trace").as_array())
        if (line.at("who") == who.c_str() && line.at("text").as_string().starts_with(prefix))
            v.push_back(std::stoi(std::string(line.at("text").as_string()).substr(prefix.size())));
    return v;
}

} // namespace

TEST_CASE("processes/queue: the consumer gets the produced values in order, then stops") {
    auto r = record_of({"processes", "queue", "--sleep", "5ms"});
    CHECK(all_checks_passed(r));
    const auto put = numbers(r, "producer-1", "Process Producer : item ");
    const auto got = numbers(r, "consumer-2", "Process Consumer : item ");
    CHECK(put.size() == 10);
    CHECK(got == put);
    for (int v : put)
        CHECK((v >= 0 && v <= 256));
    for (int size : numbers(r, "producer-1", "The size of queue is "))
        CHECK((size >= 0 && size <= 10));
    CHECK(trace_texts(r).back() == "end of stream: the queue is empty");
    require_nothing_left(r);
}

TEST_CASE("processes/queue: the values come from --seed") {
    auto a = record_of({"processes", "queue", "--sleep", "1ms", "--items", "5"});
    auto b = record_of({"processes", "queue", "--sleep", "1ms", "--items", "5"});
    auto c = record_of({"processes", "queue", "--sleep", "1ms", "--items", "5", "--seed", "7"});
    CHECK(field(a, "values") == field(b, "values"));
    CHECK(field(a, "values") != field(c, "values"));
}

TEST_CASE("processes/queue: --joinable, join() returns after the last task_done") {
    auto r = record_of({"processes", "queue", "--sleep", "5ms", "--joinable"});
    CHECK(all_checks_passed(r));
    double last_get = -1, joined = -1;
    for (const auto& line : r.at("trace").as_array()) {
        const auto& text = line.at("text").as_string();
        const double t = line.at("t").to_number<double>();
        if (text.starts_with("Process Consumer"))
            last_get = t;
        if (text.starts_with("join() returned"))
            joined = t;
    }
    CHECK(last_get > 0);
    CHECK(joined > last_get);
    CHECK(ipc_names(r).size() == 2);
    require_nothing_left(r);
}

TEST_CASE("processes/queue: two runs at the same time do not collide") {
    check_concurrent_runs({"processes", "queue", "--sleep", "5ms", "--joinable"});
}

TEST_CASE("processes/queue: a killed consumer is reported with exit code -9") {
    auto run = std::async(std::launch::async, [] {
        return parcook({"processes", "queue", "--sleep", "50ms", "--format", "json"});
    });
    const long consumer = find_grandchild(std::string("consumer") + '\0');
    REQUIRE(consumer > 0);
    ::kill(static_cast<pid_t>(consumer), SIGKILL);
    const Run r = run.get();
    INFO(r.out << r.err);
    CHECK(r.code == 1);
    const auto record = r.record();
    bool reported = false;
    for (const auto& c : record.at("checks").as_array())
        if (c.at("what").as_string().starts_with("producer and consumer exited"))
            reported = !c.at("passed").as_bool() && c.at("detail") == "exit codes 0 -9";
    CHECK(reported);
    require_nothing_left(record);
}

TEST_CASE("processes/queue: a signal kills the children and removes the IPC objects") {
    check_signal_cleanup({"processes", "queue", "--sleep", "1s", "--joinable"}, 2, SIGTERM);
}

} // namespace parcook::test
