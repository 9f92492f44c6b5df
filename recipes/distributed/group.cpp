// The distributed group: a task queue on a real Redis broker speaking Celery's message protocol,
// and remote objects, RPC and CSP channels over Boost.Asio TCP with one small framing module.
#include "parcook/recipe.hpp"

namespace parcook {

extern const Group group_distributed{
    .name = "distributed",
    .summary = "a Celery-compatible task queue on Redis; remote objects, RPC and CSP over TCP",
    .position = 5,
    .options = {},
};

} // namespace parcook
