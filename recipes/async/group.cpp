// The async group: one Boost.Asio io_context is asyncio's event loop, asio::awaitable its
// coroutines; the concurrent.futures executors are asio::thread_pool and the process pool.
#include "parcook/recipe.hpp"

namespace parcook {

extern const Group group_async{
    .name = "async",
    .summary = "Boost.Asio event loop, C++20 coroutines, futures, executors, an echo server",
    .position = 4,
    .options = {},
};

} // namespace parcook
