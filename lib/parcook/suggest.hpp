// "Did you mean ...?" for unknown groups and recipes.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace parcook {

std::size_t edit_distance(std::string_view a, std::string_view b);
// The candidates closest to `word` (at most three, within a distance that makes sense).
std::vector<std::string> closest(std::string_view word, const std::vector<std::string>& candidates);

} // namespace parcook
