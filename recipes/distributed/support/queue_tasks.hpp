// The task registry: the fixed C++ functions a worker runs, looked up by name under the prefix
// "parcook." (a message names a task and carries JSON arguments; never code).
//   add(x, y)                          x + y
//   sleep(seconds)                     sleeps, returns seconds
//   pi_count(seed, begin, end)         Monte Carlo hits of samples [begin, end) (section 4)
//   vector_sum_block(seed, begin, end, alpha, beta)  checksum of c = alpha a + beta b
//   fib(k)                             naive Fibonacci
//   sum_squares(begin, end, sleep)     sum of a*a over [begin, end), sleeping per item (SCOOP)
//   word_count_map(job, m, R, text)    counts words, stores R partitions in the broker
//   word_count_reduce(job, r, M)       merges partition r of the M maps: [[word, count], ...]
#pragma once
#include "distributed/support/queue_redis.hpp"

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

namespace parcook::queue {

inline constexpr std::string_view task_prefix = "parcook.";

// A task that cannot run with the arguments it was given: the FAILURE result names `type`
// (Python's exception class, e.g. TypeError).
struct TaskError : std::runtime_error {
    TaskError(std::string type_name, const std::string& what)
        : std::runtime_error(what), type(std::move(type_name)) {}
    std::string type;
};

// What a task may use besides its arguments: the broker (map-reduce partitions).
struct TaskEnv {
    Redis& broker;
};

using TaskFunction = boost::json::value (*)(TaskEnv& env, const boost::json::array& args);
// The function registered under `name` ("parcook.add"), or nullptr.
TaskFunction find_task(std::string_view name);
std::string task_names(); // "parcook.add, parcook.sleep, ..." for the worker's banner

// Broker keys of a word-count job's partition r from map m, and the hash that picks r.
std::string partition_key(std::string_view job, std::uint64_t r, std::uint64_t m);
std::uint64_t partition_of(std::string_view word, std::uint64_t partitions);

} // namespace parcook::queue
