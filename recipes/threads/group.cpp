// The threads group: std::thread and the synchronisation primitives of <mutex>,
// <condition_variable> and <semaphore>, the analogs of Python's threading module.
#include "parcook/recipe.hpp"

namespace parcook {

extern const Group group_threads{
    .name = "threads",
    .summary = "std::thread, mutexes, condition variables, semaphores, queues",
    .position = 1,
    .options = {},
};

} // namespace parcook
