// Celery's task message protocol v2 with the JSON serializer, as kombu 5.2's Redis transport
// puts it on a list (docs/celery-wire-format.md): an envelope {body, content-encoding,
// content-type, headers, properties} whose body is base64 of [args, kwargs, embed]; and the
// result backend's meta {status, result, traceback, children, date_done, task_id}.
#pragma once
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace parcook::queue {

inline constexpr std::string_view default_queue = "celery";

// A random (version 4) UUID, as Celery's task ids. `first` (up to 8 hex digits) replaces its
// first digits: a client's task ids then share a prefix its result subscription can match.
std::string new_uuid(std::string_view first = {});
std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);

struct TaskMessage {
    std::string task; // "parcook.add"
    std::string id;
    boost::json::array args;
    boost::json::object kwargs;
    std::string queue{default_queue}; // the routing key
    std::string delivery_tag;
    bool redelivered = false; // restored after a worker lost it
};

// A fresh message for `task` with the task id `id` and a new delivery tag.
TaskMessage make_task(std::string task, boost::json::array args, std::string queue,
                      std::string id = new_uuid());
// The envelope kombu's Redis transport LPUSHes.
std::string encode(const TaskMessage& message);

// What a worker read from a queue: a task, or why it is rejected (with the id when one could be
// read, so that a FAILURE result can say why).
struct Decoded {
    std::optional<TaskMessage> message;
    std::string error;                    // empty when message is set
    std::string exc_type = "DecodeError"; // the Celery exception named in the FAILURE result
    std::string id, task, delivery_tag, exchange, routing_key;
};
Decoded decode(std::string_view raw, std::uint64_t max_bytes);

// The result backend's value (and pub/sub message) for a finished task.
std::string success_meta(std::string_view id, const boost::json::value& result);
std::string failure_meta(std::string_view id, std::string_view exc_type,
                         std::string_view exc_message);
std::string result_key(std::string_view id); // celery-task-meta-<id>

// Python's repr of an argument tuple, for headers.argsrepr: "(4, 4)".
std::string args_repr(const boost::json::array& args);

} // namespace parcook::queue
