#include "distributed/support/queue_worker.hpp"

#include "distributed/support/queue_kombu.hpp"
#include "distributed/support/queue_message.hpp"
#include "distributed/support/queue_tasks.hpp"
#include "parcook/host.hpp"
#include "parcook/stats.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>
#include <condition_variable>
#include <csignal>
#include <deque>
#include <fmt/format.h>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <unistd.h>

namespace parcook::queue {
namespace json = boost::json;
namespace {

std::atomic<bool> signalled{false};
struct sigaction previous[32];

void on_stop_signal(int sig) {
    if (signalled.exchange(true)) { // the second signal: cold shutdown
        ::sigaction(sig, &previous[sig], nullptr);
        ::raise(sig);
    }
}

// What is stored and acked for one handled message.
struct Done {
    std::string id, task, tag, meta; // meta empty: nothing to store
    std::string outcome;             // succeeded | failed | rejected
    bool redelivered = false;
};

class Server {
public:
    Server(const WorkerConfig& c, const std::atomic<bool>& stop, const LogLine& log)
        : config_(c), stop_(stop), log_(log), lists_(priority_lists(c.queues)) {}

    WorkerTotals run() {
        std::vector<std::jthread> threads;
        threads.emplace_back([this] { guarded([this] { fetcher(); }); });
        for (unsigned i = 0; i < config_.concurrency; ++i)
            threads.emplace_back([this] { guarded([this] { executor(); }); });
        threads.clear(); // joins
        if (error_)
            std::rethrow_exception(error_);
        return totals_;
    }

private:
    template <class F>
    void guarded(F body) {
        try {
            body();
        } catch (...) {
            std::lock_guard lock(mutex_);
            if (!error_)
                error_ = std::current_exception();
            changed_.notify_all();
        }
        std::lock_guard lock(mutex_);
        changed_.notify_all();
    }

    bool stopping() const { return stop_.load() || finished_ || error_; }

    void fetcher() {
        Redis r(config_.url, config_.timeout);
        load_scripts(r);
        bind_queues(r, config_.queues);
        const std::string beat =
            fmt::format("{}{}:{}", heartbeat_prefix, host().hostname, ::getpid());
        auto next_chores = std::chrono::steady_clock::now();
        const auto period =
            std::min<Duration>(std::chrono::seconds(1), config_.visibility_timeout / 4);
        std::uint64_t fetched = 0;
        for (;;) {
            std::size_t room;
            {
                std::unique_lock lock(mutex_);
                changed_.wait_for(lock, std::chrono::milliseconds(200),
                                  [&] { return stopping() || in_flight_ < limit(); });
                if (stopping())
                    break;
                room = limit() - in_flight_;
            }
            if (config_.max_tasks)
                room = std::min<std::uint64_t>(room, config_.max_tasks - fetched);
            if (std::chrono::steady_clock::now() >= next_chores) {
                chores(r, beat);
                next_chores = std::chrono::steady_clock::now() + period;
            }
            if (room == 0)
                continue;
            std::vector<Delivery> got = fetch(r, lists_, room, config_.max_message);
            if (got.empty())
                if (std::optional<Delivery> one = fetch_blocking(r, lists_, config_.max_message))
                    got.push_back(std::move(*one));
            fetched += got.size();
            std::lock_guard lock(mutex_);
            in_flight_ += got.size();
            for (Delivery& m : got)
                todo_.push_back(std::move(m));
            changed_.notify_all();
        }
        std::deque<Delivery> left;
        {
            std::lock_guard lock(mutex_);
            left.swap(todo_);
            fetch_ended_ = true;
            changed_.notify_all();
        }
        for (const Delivery& m : left) { // warm shutdown: not started, so given back
            const Decoded& d = m.decoded;
            if (!d.delivery_tag.empty())
                give_back(r, m.raw, d.delivery_tag,
                          d.routing_key.empty() ? config_.queues[0] : d.routing_key);
        }
        r.command({"DEL", beat});
    }

    void chores(Redis& r, const std::string& beat) {
        const json::object info{{"hostname", host().hostname},
                                {"pid", ::getpid()},
                                {"concurrency", config_.concurrency},
                                {"queues", json::value_from(config_.queues)},
                                {"processed", processed_.load()}};
        r.command({"SETEX", beat, "10", json::serialize(info)});
        // The deliveries this worker is running are still alive: their delivery time moves on,
        // so a task longer than the visibility timeout is not given to another worker.
        std::vector<std::string> running;
        {
            std::lock_guard lock(mutex_);
            running.assign(running_.begin(), running_.end());
        }
        if (!running.empty()) {
            Args touch{"ZADD", unacked_index_key, "XX"};
            const std::string now = delivery_score();
            for (const std::string& tag : running)
                touch.insert(touch.end(), {now, tag});
            r.command(touch);
        }
        const std::size_t n = restore_visible(r, to_seconds(config_.visibility_timeout));
        if (n > 0) {
            log_(
                fmt::format("Restored {} unacked message(s) older than the visibility timeout", n));
            std::lock_guard lock(mutex_);
            totals_.restored += n;
        }
    }

    void executor() {
        Redis r(config_.url, config_.timeout);
        load_scripts(r);
        TaskEnv env{r};
        for (;;) {
            std::vector<Delivery> mine;
            {
                std::unique_lock lock(mutex_);
                changed_.wait(lock, [&] { return !todo_.empty() || fetch_ended_ || error_; });
                if (todo_.empty() || error_)
                    return;
                // An equal share of what is waiting, so no other executor is left idle, and
                // at most one batch: its results are stored while the fetcher refills.
                const std::size_t share =
                    std::min(batch, (todo_.size() + config_.concurrency - 1) / config_.concurrency);
                for (std::size_t k = 0; k < share; ++k) {
                    mine.push_back(std::move(todo_.front()));
                    todo_.pop_front();
                }
            }
            std::vector<Done> done;
            double seconds = 0;
            for (const Delivery& m : mine) {
                Stopwatch sw;
                done.push_back(handle(env, m.decoded));
                seconds += sw.seconds();
            }
            store(r, done);
            std::lock_guard lock(mutex_);
            const double mean = seconds / static_cast<double>(done.size());
            mean_task_s_ = mean_task_s_ < 0 ? mean : 0.9 * mean_task_s_ + 0.1 * mean;
            for (const Done& d : done) {
                ++totals_.received;
                totals_.succeeded += d.outcome == "succeeded";
                totals_.failed += d.outcome == "failed";
                totals_.rejected += d.outcome == "rejected";
            }
            in_flight_ -= done.size();
            for (const Done& d : done)
                running_.erase(d.tag);
            if (config_.max_tasks && totals_.received >= config_.max_tasks)
                finished_ = true;
            changed_.notify_all();
        }
    }

    Done handle(TaskEnv& env, const Decoded& d) {
        Done out{d.id, d.task, d.delivery_tag, {}, "rejected"};
        if (!d.delivery_tag.empty()) {
            std::lock_guard lock(mutex_);
            running_.insert(d.delivery_tag); // until acked
        }
        if (!d.message) {
            log_(fmt::format("Rejected message{}: {}",
                             d.id.empty() ? "" : fmt::format(" {}[{}]", d.task, d.id), d.error));
            if (!d.id.empty())
                out.meta = failure_meta(d.id, d.exc_type, d.error);
            return out;
        }
        const TaskMessage& m = *d.message;
        out.redelivered = m.redelivered;
        const TaskFunction f = find_task(m.task);
        if (!f) {
            log_(fmt::format("Received unregistered task of type '{}'. The message has been "
                             "ignored and discarded.",
                             m.task));
            out.meta = failure_meta(m.id, "NotRegistered", fmt::format("'{}'", m.task));
            return out;
        }
        if (config_.log_tasks)
            log_(fmt::format("Received task: {}[{}]{}", m.task, m.id,
                             m.redelivered ? " (redelivered)" : ""));
        Stopwatch sw;
        try {
            if (!m.kwargs.empty())
                throw TaskError("TypeError", "parcook tasks take no keyword arguments");
            const json::value result = f(env, m.args);
            if (config_.log_tasks) {
                const std::string text = json::serialize(result);
                log_(fmt::format("Task {}[{}] succeeded in {:.6f}s: {}", m.task, m.id, sw.seconds(),
                                 text.size() > 200 ? text.substr(0, 200) + "..." : text));
            }
            out.meta = success_meta(m.id, result);
            out.outcome = "succeeded";
        } catch (const TaskError& e) {
            log_(fmt::format("Task {}[{}] raised unexpected: {}('{}')", m.task, m.id, e.type,
                             e.what()));
            out.meta = failure_meta(m.id, e.type, e.what());
            out.outcome = "failed";
        } catch (const BrokerError&) {
            throw; // the worker cannot go on
        } catch (const std::exception& e) {
            log_(fmt::format("Task {}[{}] raised unexpected: Exception('{}')", m.task, m.id,
                             e.what()));
            out.meta = failure_meta(m.id, "Exception", e.what());
            out.outcome = "failed";
        }
        return out;
    }

    // Stores the results of a batch and only then acks its messages, in one pipeline: one
    // round trip for the batch.
    void store(Redis& r, const std::vector<Done>& batch) {
        std::size_t replies = 0;
        std::map<std::pair<std::string, std::string>, int> counts; // (task, counter) -> n
        std::vector<std::string> tags;
        std::vector<StoredResult> results;
        for (const Done& d : batch) {
            if (!d.meta.empty())
                results.push_back({d.id, d.meta});
            const std::string task = d.task.empty() ? "(unreadable)" : d.task;
            ++counts[{task, d.outcome}];
            ++counts[{task, d.redelivered ? "retried" : "received"}];
            if (!d.tag.empty())
                tags.push_back(d.tag);
        }
        if (!results.empty()) {
            append_store(r, results);
            ++replies;
        }
        for (const auto& [key, n] : counts) {
            r.append(
                {"HINCRBY", std::string(stats_prefix) + key.first, key.second, std::to_string(n)});
            ++replies;
        }
        if (!tags.empty()) {
            append_ack(r, tags); // after the results: at-least-once
            replies += 2;
        }
        r.flush();
        for (std::size_t i = 0; i < replies; ++i)
            r.reply();
        processed_ += batch.size();
    }

    const WorkerConfig& config_;
    const std::atomic<bool>& stop_;
    const LogLine& log_;
    const std::vector<std::string> lists_;
    // Messages fetched and not yet acked, at most. Short tasks (under 1 ms on average) are
    // prefetched two batches per executor thread: round trips then dominate, a batch shares
    // them, and the next batch is fetched while one is run and stored. Longer ones (or before
    // any has run) one per thread, as Celery's -Ofair, so that one worker does not hold tasks
    // another worker could run now.
    static constexpr std::size_t batch = 16;
    std::size_t limit() const {
        const bool short_tasks = mean_task_s_ >= 0 && mean_task_s_ < 1e-3;
        return (short_tasks ? 2 * batch : 1) * config_.concurrency;
    }

    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<Delivery> todo_;
    std::size_t in_flight_ = 0;
    std::set<std::string> running_; // delivery tags of the tasks started and not yet acked
    double mean_task_s_ = -1;       // running mean of the task times, -1 before the first
    bool fetch_ended_ = false, finished_ = false;
    std::exception_ptr error_;
    WorkerTotals totals_;
    std::atomic<std::uint64_t> processed_{0};
};

} // namespace

WorkerTotals serve(const WorkerConfig& config, const std::atomic<bool>& stop, const LogLine& log) {
    return Server(config, stop, log).run();
}

const std::atomic<bool>& stop_on_signals() {
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    for (int sig : {SIGINT, SIGTERM})
        ::sigaction(sig, &sa, &previous[sig]);
    return signalled;
}

} // namespace parcook::queue
