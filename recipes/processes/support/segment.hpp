// processes/support/segment.hpp: POSIX shared memory named for this run. The name comes from
// IpcName (children.hpp), so the segment is removed on every exit path, a signal included;
// a size /dev/shm cannot hold is refused as a usage error before anything is created.
//
//     Segment s("vector-sum", bytes, "n");            // created, sized, mapped; pages untouched
//     child: auto region = Segment::open(s.name());   // the same memory in another process
//     ManagedSegment m("queue", 64 * 1024, "items");  // Boost.Interprocess objects by name
//     m.memory.construct<Counter>("counter")();
#pragma once
#include "parcook/children.hpp"

#include <boost/interprocess/managed_shared_memory.hpp>
#include <boost/interprocess/mapped_region.hpp>
#include <cstdint>
#include <string>
#include <string_view>

namespace parcook {

// Refuses `bytes` of shared memory that /dev/shm cannot hold: a UsageError naming `option`, the
// option the size comes from, or CannotRun when it comes from none ("").
void require_shared_memory(double bytes, std::string_view option);

class Segment {
public:
    // Creates `bytes` of shared memory and maps it. It is sized with ftruncate, which allocates
    // nothing: whoever touches a page first places it (NUMA), a worker for its own block.
    Segment(std::string_view tag, std::uint64_t bytes, std::string_view option);
    const std::string& name() const { return name_.str(); }
    char* address() const { return static_cast<char*>(region_.get_address()); }
    std::uint64_t size() const { return region_.get_size(); }

    // In another process: the segment called `name`, mapped.
    static boost::interprocess::mapped_region open(const std::string& name);

private:
    IpcName name_;
    boost::interprocess::mapped_region region_;
};

// A segment that holds Boost.Interprocess objects (mutexes, conditions, maps), found by name.
struct ManagedSegment {
    ManagedSegment(std::string_view tag, std::size_t bytes, std::string_view option);
    const std::string& name() const { return ipc_name.str(); }

    IpcName ipc_name; // declared first: the memory is unmapped before the name is removed
    boost::interprocess::managed_shared_memory memory;
};

} // namespace parcook
