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
        {
            std::vector<std::jthread> threads;
            threads.emplace_back([this] { guarded([this] { keep_alive(); }); });
            for (unsigned i = 0; i < config_.concurrency; ++i)
                threads.emplace_back([this] { guarded([this] { executor(); }); });
        } // joins
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
        }
        std::lock_guard lock(mutex_);
        ++ended_;
        changed_.notify_all();
    }

    bool stopping() {
        std::lock_guard lock(mutex_);
        return stop_.load() || finished_ || error_;
    }

    // The worker's heartbeat key (with a TTL), the delivery times of what it holds moved on,
    // and the restore of other workers' deliveries older than the visibility timeout; every
    // `period` until the executors have ended.
    void keep_alive() {
        Redis r(config_.url, config_.timeout);
        bind_queues(r, config_.queues);
        const std::string beat =
            fmt::format("{}{}:{}", heartbeat_prefix, host().hostname, ::getpid());
        const auto period =
            std::min<Duration>(std::chrono::seconds(1), config_.visibility_timeout / 4);
        for (;;) {
            chores(r, beat);
            std::unique_lock lock(mutex_);
            if (changed_.wait_for(lock, period,
                                  [&] { return ended_ == config_.concurrency || error_; }))
                break;
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
        // The deliveries this worker holds are still alive: their delivery time moves on, so
        // a task longer than the visibility timeout is not given to another worker.
        std::vector<std::string> held;
        {
            std::lock_guard lock(mutex_);
            held.assign(held_.begin(), held_.end());
        }
        if (!held.empty()) {
            Args touch{"ZADD", unacked_index_key, "XX"};
            const std::string now = delivery_score();
            for (const std::string& tag : held)
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

    // How many messages an executor takes at once, reserved against --max-tasks. Short tasks
    // (under 1 ms on average) a batch: round trips then dominate, and a batch shares them.
    // Longer ones (or before any has run) one, as Celery's -Ofair, so that one worker does not
    // hold tasks another worker could run now.
    std::size_t reserve() {
        std::lock_guard lock(mutex_);
        const bool short_tasks = mean_task_s_ >= 0 && mean_task_s_ < 1e-3;
        std::size_t n = short_tasks ? batch : 1;
        if (config_.max_tasks)
            n = std::min<std::uint64_t>(n, config_.max_tasks - reserved_);
        reserved_ += n;
        return n;
    }

    // Each executor takes its own messages (so a message waits for no hand-over between
    // threads), runs them, stores their results and only then acks them.
    void executor() {
        Redis r(config_.url, config_.timeout);
        Redis task_connection(config_.url, config_.timeout); // the tasks' own, e.g. word-count's
        load_scripts(r);
        TaskEnv env{task_connection};
        while (!stopping()) {
            const std::size_t room = reserve();
            if (room == 0) { // --max-tasks reached by the others' reservations
                std::unique_lock lock(mutex_);
                changed_.wait_for(lock, std::chrono::milliseconds(200));
                continue;
            }
            std::vector<Delivery> mine = fetch(r, lists_, room, config_.max_message);
            // A message from the blocking wait is recorded in the same pipeline as its ack
            // later (its replies are read with the store's): the task starts without waiting.
            std::size_t unread = 0;
            if (mine.empty())
                if (std::optional<Delivery> one =
                        fetch_blocking(r, lists_, config_.max_message, unread))
                    mine.push_back(std::move(*one));
            {
                std::lock_guard lock(mutex_);
                reserved_ -= room - mine.size();
                for (const Delivery& m : mine)
                    if (!m.decoded.delivery_tag.empty())
                        held_.insert(m.decoded.delivery_tag);
            }
            std::vector<Done> done;
            double seconds = 0;
            std::size_t next = 0;
            for (; next < mine.size() && !stopping(); ++next) {
                Stopwatch sw;
                done.push_back(handle(env, mine[next].decoded));
                seconds += sw.seconds();
            }
            store(r, done, unread);
            give_back_unstarted(r, {mine.begin() + static_cast<std::ptrdiff_t>(next), mine.end()});
            std::lock_guard lock(mutex_);
            if (!done.empty()) {
                const double mean = seconds / static_cast<double>(done.size());
                mean_task_s_ = mean_task_s_ < 0 ? mean : 0.9 * mean_task_s_ + 0.1 * mean;
            }
            for (const Done& d : done) {
                ++totals_.received;
                totals_.succeeded += d.outcome == "succeeded";
                totals_.failed += d.outcome == "failed";
                totals_.rejected += d.outcome == "rejected";
            }
            reserved_ -= mine.size() - next; // given back, to be taken again
            for (const Delivery& m : mine)
                held_.erase(m.decoded.delivery_tag);
            if (config_.max_tasks && totals_.received >= config_.max_tasks)
                finished_ = true;
            changed_.notify_all();
        }
    }

    // Warm shutdown: deliveries taken and not started go back to the head of their queue.
    void give_back_unstarted(Redis& r, const std::vector<Delivery>& left) {
        for (const Delivery& m : left) {
            const Decoded& d = m.decoded;
            if (!d.delivery_tag.empty())
                give_back(r, m.raw, d.delivery_tag,
                          d.routing_key.empty() ? config_.queues[0] : d.routing_key);
        }
    }

    Done handle(TaskEnv& env, const Decoded& d) {
        Done out{d.id, d.task, d.delivery_tag, {}, "rejected"};
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

    // Stores the results of what was handled and only then acks its messages, in one pipeline:
    // one round trip for the batch. `unread`: replies of earlier commands still to be read.
    void store(Redis& r, const std::vector<Done>& handled, std::size_t unread) {
        std::size_t replies = unread;
        std::map<std::pair<std::string, std::string>, int> counts; // (task, counter) -> n
        std::vector<std::string> tags;
        std::vector<StoredResult> results;
        for (const Done& d : handled) {
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
        if (replies == 0)
            return;
        r.flush();
        for (std::size_t i = 0; i < replies; ++i)
            r.reply();
        processed_ += handled.size();
    }

    const WorkerConfig& config_;
    const std::atomic<bool>& stop_;
    const LogLine& log_;
    const std::vector<std::string> lists_;
    static constexpr std::size_t batch = 32;

    std::mutex mutex_;
    std::condition_variable changed_;
    std::uint64_t reserved_ = 0; // messages taken or being taken, against --max-tasks
    std::set<std::string> held_; // delivery tags taken and not yet acked
    double mean_task_s_ = -1;    // running mean of the task times, -1 before the first
    unsigned ended_ = 0;         // executors (and keep_alive) that have returned
    bool finished_ = false;
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
