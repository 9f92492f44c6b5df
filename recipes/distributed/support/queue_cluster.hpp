// What a task-queue recipe runs on: the broker (a private redis-server, or --broker URL) and
// --workers K worker processes, parcook re-executed in the recipe's "worker" role (the role
// every task-queue recipe lists: worker_role()). `--broker URL --workers 0` uses the workers
// already serving that broker. Workers stop warmly when the cluster goes; on SIGINT/SIGTERM
// parcook's cleanup handlers kill them and the private broker and remove its directory.
#pragma once
#include "distributed/support/queue_client.hpp"
#include "distributed/support/queue_embedded.hpp"
#include "parcook/children.hpp"
#include "parcook/context.hpp"

#include <optional>
#include <vector>

namespace parcook::queue {

// The part a worker process plays; every task-queue recipe lists it in .roles.
Role worker_role();

// The options of a task-queue recipe: the broker's, --workers, --concurrency and the workers'
// --loglevel (info: a line per task, as Celery's worker; warning: problems only).
std::vector<OptionSpec> cluster_options(unsigned workers = 2, unsigned concurrency = 1,
                                        std::string loglevel = "warning");

class Cluster {
public:
    // Starts the broker and --workers worker processes (each serving with --concurrency
    // threads; with --loglevel info they log Celery's Received/succeeded line for each task).
    explicit Cluster(Context& ctx);
    ~Cluster(); // stops the workers (warm), then the private broker
    // Stops the workers warmly (SIGTERM; SIGKILL past the timeout) and waits for them: all
    // their log lines are then in the trace.
    void stop_workers();

    const Settings& settings() const { return settings_; }
    const BrokerUrl& url() const { return broker_.url(); }
    unsigned workers() const { return static_cast<unsigned>(workers_.size()); }
    Client& client() { return client_; }

private:
    void add_worker();
    Context& ctx_;
    Settings settings_;
    Broker broker_;
    Client client_;
    std::vector<Child> workers_;
};

// A task-queue recipe's member of a shared workload: lists the worker role.
Recipe member(Recipe r);

// Runs `body`; a lost broker, a timeout or a failed task becomes a failed check that says so
// (exit 1), not an internal error. Returns whether body completed.
template <class F>
bool answered(Context& ctx, F&& body) {
    try {
        body();
        return true;
    } catch (const BrokerError& e) {
        ctx.check("the broker answered within --timeout", false, e.what());
    } catch (const TaskFailed& e) {
        ctx.check("every task succeeded", false, e.what());
    }
    return false;
}

// Sends `task` once per argument list and returns the results in input order.
std::vector<boost::json::value> map(Client& client, std::string_view task,
                                    const std::vector<boost::json::array>& arguments);

} // namespace parcook::queue
