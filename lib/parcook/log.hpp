// Logging goes to stderr only (spdlog), so stdout carries results alone.
#pragma once
#include <spdlog/spdlog.h>
#include <string>

namespace parcook {

// -v shows debug messages, --quiet only errors. `tag` names the process (e.g. "rank 2").
void init_logging(bool verbose, bool quiet, const std::string& tag = "parcook");

} // namespace parcook
