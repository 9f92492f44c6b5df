// The task queue's pieces that need no broker: broker URLs (and the masking of passwords),
// base64, Celery's envelope read back, and the task registry.
#include "distributed/support/queue_broker.hpp"
#include "distributed/support/queue_message.hpp"
#include "distributed/support/queue_tasks.hpp"
#include "parcook/errors.hpp"

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

using namespace parcook;
using namespace parcook::queue;

TEST_CASE("broker URLs for TCP and unix sockets with databases, the password only ever masked") {
    const BrokerUrl tcp = parse_broker_url("redis://:pw@host.example:6380/3", "--broker");
    CHECK(tcp.host == "host.example");
    CHECK(tcp.port == 6380);
    CHECK(tcp.db == 3);
    CHECK(tcp.password == "pw");
    CHECK(tcp.masked() == "redis://:****@host.example:6380/3");
    const BrokerUrl sock = parse_broker_url("unix:///tmp/r.sock?db=2", "--broker");
    CHECK(sock.socket == "/tmp/r.sock");
    CHECK(sock.db == 2);
    CHECK(parse_broker_url("redis://localhost", "--broker").port == 6379);
    const BrokerUrl acl = parse_broker_url("redis://app%40eu:p%3Aw%2F@[::1]:7000/1", "--broker");
    CHECK(acl.user == "app@eu");
    CHECK(acl.password == "p:w/");
    CHECK(acl.host == "::1");
    CHECK(acl.port == 7000);
    CHECK(acl.masked() == "redis://app%40eu:****@[::1]:7000/1");
    CHECK(parse_broker_url(acl.str(), "--broker").password == "p:w/"); // str() reads back
    CHECK(parse_broker_url("redis://[fe80::1]", "--broker").port == 6379);
    CHECK(parse_broker_url("redis://secret@h", "--broker").password == "secret"); // redis-cli
    for (const char* bad :
         {"http://x", "redis://:secret@:1", "redis://:secret@h:99999", "unix://relative.sock",
          "redis://h:1/99", "redis://[::1", "redis://:secret@[::1]x", "redis://:secret@[]:1",
          "redis://::1", "redis://:sec%zzret@h", "redis://:secret%4@h", "redis://h:1:2"}) {
        INFO(bad);
        try {
            parse_broker_url(bad, "--broker");
            FAIL("accepted");
        } catch (const UsageError& e) {
            CHECK(std::string(e.what()).starts_with("--broker: "));
            CHECK(std::string(e.what()).find("secret") == std::string::npos);
        }
    }
}

TEST_CASE("base64 both ways, and refusal of what is not base64") {
    for (const std::string s : {"", "a", "ab", "abc", "abcd", "[[4, 4], {}, {}]"})
        CHECK(base64_decode(base64_encode(s)) == s);
    CHECK(base64_encode("[[4, 4]") == "W1s0LCA0XQ==");
    CHECK_FALSE(base64_decode("abc"));
    CHECK_FALSE(base64_decode("ab!d"));
}

TEST_CASE("a task message is Celery's envelope and reads back") {
    const TaskMessage m = make_task("parcook.add", {4, 4}, "celery");
    const std::string raw = encode(m);
    const auto env = boost::json::parse(raw).as_object();
    CHECK(env.at("content-type") == "application/json");
    CHECK(env.at("headers").at("argsrepr") == "(4, 4)");
    CHECK(env.at("properties").at("delivery_info").at("routing_key") == "celery");
    const Decoded d = decode(raw, 1 << 20);
    REQUIRE(d.message);
    CHECK(d.message->id == m.id);
    CHECK(d.message->args == boost::json::array{4, 4});
    CHECK(decode(raw, 100).error.find("--max-message") != std::string::npos);
    CHECK(decode("[1]", 1 << 20).error.find("not a JSON object") != std::string::npos);
    CHECK(new_uuid() != new_uuid());
    CHECK(new_uuid().size() == 36);
    const std::string prefixed = new_uuid("0badcafe");
    CHECK(prefixed.starts_with("0badcafe-"));
    CHECK(prefixed.size() == 36);
    CHECK(prefixed[14] == '4'); // still a version 4 UUID
    CHECK(new_uuid("0badcafe") != prefixed);
}

TEST_CASE("the task registry holds names under parcook.") {
    CHECK(find_task("parcook.add"));
    CHECK_FALSE(find_task("add"));
    CHECK_FALSE(find_task("parcook.nope"));
    REQUIRE(find_task("parcook.fib"));
    CHECK(task_names().find("parcook.word_count_reduce") != std::string::npos);
    CHECK(partition_of("know", 7) == partition_of("know", 7));
}
