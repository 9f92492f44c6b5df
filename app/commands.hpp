// The top-level commands of the parcook binary besides running one recipe.
#pragma once
#include "parcook/context.hpp"
#include "parcook/parse.hpp"

#include <string>
#include <vector>

namespace parcook::app {

int run_cli(int argc, char** argv);
int list_recipes(const std::string& group, Format format, bool header);
int tour(const std::vector<std::string>& groups, Format format, Duration timeout, bool header);

} // namespace parcook::app
