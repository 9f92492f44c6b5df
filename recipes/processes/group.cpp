// The processes group: child processes (parcook re-executed in a role, Python's spawn), pipes,
// message queues, shared memory and pools, the analogs of Python's multiprocessing module.
#include "parcook/recipe.hpp"

namespace parcook {

extern const Group group_processes{
    .name = "processes",
    .summary = "child processes, pipes, message queues, shared memory, pools",
    .position = 2,
    .options = {},
};

} // namespace parcook
