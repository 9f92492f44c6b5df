// How the gpu recipes show a vector in their trace, as the book prints NumPy arrays: the first
// elements, then "..." when there are more.
#pragma once
#include <algorithm>
#include <fmt/format.h>
#include <span>
#include <string>

namespace parcook::gpu {

template <class T>
std::string first_elements(std::span<const T> v, std::size_t shown = 16) {
    return fmt::format("[{}{}]", fmt::join(v.first(std::min(v.size(), shown)), ", "),
                       v.size() > shown ? ", ..." : "");
}

} // namespace parcook::gpu
