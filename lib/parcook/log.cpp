#include "parcook/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>

namespace parcook {

void init_logging(bool verbose, bool quiet, const std::string& tag) {
    auto logger = spdlog::stderr_logger_mt("parcook-" + tag);
    logger->set_pattern("[" + tag + " %H:%M:%S.%e %l] %v");
    logger->set_level(verbose ? spdlog::level::debug
                      : quiet ? spdlog::level::err
                              : spdlog::level::warn);
    spdlog::set_default_logger(std::move(logger));
}

} // namespace parcook
