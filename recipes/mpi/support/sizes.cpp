// Message sizes for the sweeps of mpi/pingpong and mpi/collectives.
#include "mpi/mpi.hpp"

namespace parcook::mpi {

std::vector<std::uint64_t> size_list(const std::string& text, std::string_view option,
                                     std::uint64_t max) {
    std::vector<std::uint64_t> sizes;
    std::size_t begin = 0;
    while (begin <= text.size()) {
        const std::size_t end = std::min(text.find(',', begin), text.size());
        sizes.push_back(
            parse_bytes(std::string_view(text).substr(begin, end - begin), option, max));
        begin = end + 1;
    }
    return sizes;
}

std::string size_label(std::uint64_t bytes) {
    constexpr std::uint64_t kib = 1024, mib = kib * kib;
    if (bytes >= mib && bytes % mib == 0)
        return fmt::format("{}MiB", bytes / mib);
    if (bytes >= kib && bytes % kib == 0)
        return fmt::format("{}KiB", bytes / kib);
    return fmt::format("{}B", bytes);
}

} // namespace parcook::mpi
