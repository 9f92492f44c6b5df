#include "distributed/support/queue_cluster.hpp"

#include "distributed/support/queue_worker.hpp"

#include <fmt/format.h>

namespace parcook::queue {
namespace {

struct WorkerArgs {
    std::string url; // with the password, on the child's private descriptor only
    std::string name;
    unsigned concurrency;
    Duration timeout, visibility_timeout;
    std::uint64_t max_message;
    bool log_tasks;
};

void worker(Context&, const WorkerArgs& args) {
    WorkerConfig config;
    config.url = parse_broker_url(args.url, "--broker");
    config.concurrency = args.concurrency;
    config.timeout = args.timeout;
    config.visibility_timeout = args.visibility_timeout;
    config.max_message = args.max_message;
    config.log_tasks = args.log_tasks;
    const LogLine log = [&](const std::string& line) { child_say(args.name, line); };
    try {
        serve(config, stop_on_signals(), log);
    } catch (const BrokerError& e) {
        child_say(args.name, fmt::format("stopped: {}", e.what()));
        throw ExitNow{1};
    }
}

} // namespace

Role worker_role() {
    return {"worker", worker};
}

Recipe member(Recipe r) {
    r.roles.push_back(worker_role());
    return r;
}

std::vector<OptionSpec> cluster_options(unsigned workers, unsigned concurrency,
                                        std::string loglevel) {
    std::vector<OptionSpec> options = broker_options();
    // Not the common --workers: 0 means "use the workers already serving --broker".
    options.push_back(integer_option(
        "workers", workers, "worker processes to start (0: use those serving --broker)", 0, 256));
    options.push_back(
        integer_option("concurrency", concurrency, "executor threads per worker process", 1, 256));
    options.push_back(choice_option("loglevel", std::move(loglevel), {"info", "warning"},
                                    "the workers' log: info adds a line per task"));
    return options;
}

Cluster::Cluster(Context& ctx)
    : ctx_(ctx), settings_(queue::settings(ctx)), broker_(settings_),
      client_(broker_.url(), settings_.timeout) {
    const auto k = static_cast<unsigned>(ctx.integer("workers"));
    if (k == 0 && settings_.embedded)
        throw UsageError("--workers: 0 (use running workers) needs --broker URL");
    for (unsigned i = 0; i < k; ++i)
        add_worker();
}

void Cluster::add_worker() {
    const std::string name = fmt::format("worker-{}", workers_.size() + 1);
    workers_.emplace_back(
        ctx_, name,
        role_call("worker", WorkerArgs{broker_.url().str(), name,
                                       static_cast<unsigned>(ctx_.integer("concurrency")),
                                       settings_.timeout, settings_.visibility_timeout,
                                       settings_.max_message, ctx_.text("loglevel") == "info"}));
}

Cluster::~Cluster() {
    stop_workers();
}

void Cluster::stop_workers() {
    for (Child& w : workers_)
        if (w.running())
            w.request_exit(); // warm shutdown
    for (Child& w : workers_)
        if (!w.wait_for(std::chrono::seconds(5)))
            w.kill();
}

std::vector<boost::json::value> map(Client& client, std::string_view task,
                                    const std::vector<boost::json::array>& arguments) {
    return client.get(client.send(task, arguments));
}

} // namespace parcook::queue
