// Parsing of the option value forms every recipe shares: counts, byte sizes and durations.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace parcook {

using Duration = std::chrono::nanoseconds;

// Counts: 1000, 1e6, 2.5e3, 1k/1M/1G/1T (decimal), 1Ki/1Mi/1Gi (binary), 2^20, 1_000_000.
// Throws UsageError naming `option` for garbage, negatives, fractions and values above `max`.
std::uint64_t parse_count(std::string_view text, std::string_view option,
                          std::uint64_t max = UINT64_C(1) << 62);

// Byte sizes: 4096, 64KiB, 1MB, 16MiB, 2GiB, 1e6 (B, KB/MB/GB decimal, KiB/MiB/GiB binary).
std::uint64_t parse_bytes(std::string_view text, std::string_view option,
                          std::uint64_t max = UINT64_C(1) << 50);

// Durations: 500ms, 2s, 1.5s, 250us, 100ns, 1min, 0. A bare number is seconds.
Duration parse_duration(std::string_view text, std::string_view option,
                        Duration max = std::chrono::hours(24));

// Signed integers in a range (e.g. --size, --np).
std::int64_t parse_integer(std::string_view text, std::string_view option, std::int64_t min,
                           std::int64_t max);

double parse_real(std::string_view text, std::string_view option);

// A value the user typed, fit for a one-line message: in quotes, control characters escaped
// (\x0a), cut short after `most` characters with the full length named.
std::string quote_input(std::string_view text, std::size_t most = 40);

std::string format_bytes(double bytes);     // "1.5 GiB"
std::string format_seconds(double seconds); // "12.3 ms"
double to_seconds(Duration d);

} // namespace parcook
