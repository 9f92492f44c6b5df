// Interoperability with Debian's python3-celery (5.2) and python3-redis on one private broker:
// a Python client's send_task('parcook.add', (4, 4)) answered by a parcook worker, and a
// parcook client's tasks run by a Python Celery worker defining the same names (celery_app.py).
// Without Python Celery the tests say so and pass.
#include "distributed/queue_harness.hpp"
#include "distributed/support/queue_client.hpp"

#include <catch2/catch.hpp>

using namespace parcook;
using namespace parcook::test;

namespace {

const std::string app_dir = PARCOOK_SOURCE_DIR "/tests/distributed";

std::vector<std::string> python(const std::string& broker_socket, const std::string& command) {
    return {"/bin/sh", "-c",
            "cd '" + app_dir + "' && BROKER='redis+socket://" + broker_socket + "' exec " +
                command};
}

} // namespace

TEST_CASE(
    "interop: Python Celery's send_task('parcook.add', (4, 4)) answered by a parcook worker") {
    const auto broker = test_broker();
    const std::string py = python_with_celery();
    REQUIRE_FALSE(py.empty()); // scripts/setup installs python3-celery and python3-redis
    Spawned worker(parcook_argv({"distributed", "worker", "--broker", url_of(*broker),
                                 "--max-tasks", "1", "--timeout", "20s"}));
    Spawned client(python(broker->url().socket, py + " celery_app.py send"));
    const auto code = client.wait_for(60s);
    INFO(client.output() << "\n--- worker:\n" << worker.output());
    REQUIRE(code);
    CHECK(*code == 0);
    CHECK(client.output().find("result 8") != std::string::npos);
    REQUIRE(worker.wait_for(20s) == 0);
    CHECK(worker.output().find("Received task: parcook.add[") != std::string::npos);
    CHECK(worker.output().find("succeeded in") != std::string::npos);
}

TEST_CASE("interop: a parcook client's tasks run by a Python Celery worker") {
    const auto broker = test_broker();
    const std::string py = python_with_celery();
    REQUIRE_FALSE(py.empty()); // scripts/setup installs python3-celery and python3-redis
    Spawned worker(python(broker->url().socket,
                          py + " -m celery -A celery_app worker --pool solo --concurrency 1 "
                               "--loglevel info --without-heartbeat --without-gossip "
                               "--without-mingle"));
    queue::Client client(broker->url(), 60s);
    const std::vector<std::string> ids = client.send("parcook.add", {{2, 3}, {40, 2}, {-1, 1}});
    const std::string fib = client.delay("parcook.fib", {20});
    const auto values = client.get(ids);
    INFO(worker.output());
    CHECK(values[0] == 5);
    CHECK(values[1] == 42);
    CHECK(values[2] == 0);
    CHECK(client.get(fib) == 6765);
    CHECK(worker.output().find("parcook.add[" + ids[0] + "] succeeded") != std::string::npos);
}
