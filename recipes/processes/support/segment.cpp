#include "processes/support/segment.hpp"

#include "parcook/parse.hpp"
#include <boost/interprocess/shared_memory_object.hpp>
#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace parcook {
namespace bip = boost::interprocess;

namespace {

void remove_segment(const char* name) {
    bip::shared_memory_object::remove(name);
}

// `tag`, once `bytes` has passed require_shared_memory (for the member initializers).
std::string_view checked(std::string_view tag, std::uint64_t bytes, std::string_view option) {
    require_shared_memory(static_cast<double>(bytes), option);
    return tag;
}

} // namespace

void require_shared_memory(double bytes, std::string_view option) {
    struct statvfs shm {};
    if (::statvfs("/dev/shm", &shm) != 0)
        return; // no /dev/shm to ask: creating the segment will say what is wrong
    const double free = static_cast<double>(shm.f_bavail) * static_cast<double>(shm.f_frsize);
    if (free >= bytes)
        return;
    const std::string why = fmt::format("needs {} of shared memory, /dev/shm has {} free",
                                        format_bytes(bytes), format_bytes(free));
    if (option.empty())
        throw CannotRun(why);
    throw UsageError(fmt::format("--{}: {}", option, why));
}

Segment::Segment(std::string_view tag, std::uint64_t bytes, std::string_view option)
    : name_(checked(tag, bytes, option), remove_segment) {
    bip::shared_memory_object segment(bip::create_only, name_.c_str(), bip::read_write);
    // ftruncate, not segment.truncate(): Boost's allocates every page here, in this process.
    if (::ftruncate(segment.get_mapping_handle().handle, static_cast<off_t>(bytes)) != 0)
        throw CannotRun(fmt::format("cannot size the shared segment: {}", std::strerror(errno)));
    region_ = bip::mapped_region(segment, bip::read_write);
}

bip::mapped_region Segment::open(const std::string& name) {
    bip::shared_memory_object segment(bip::open_only, name.c_str(), bip::read_write);
    return bip::mapped_region(segment, bip::read_write);
}

ManagedSegment::ManagedSegment(std::string_view tag, std::size_t bytes, std::string_view option)
    : ipc_name(checked(tag, bytes, option), remove_segment),
      memory(bip::create_only, ipc_name.c_str(), bytes) {}

} // namespace parcook
