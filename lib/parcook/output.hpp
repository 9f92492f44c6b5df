// Everything parcook writes to stdout goes through here, so that a failed write (stdout closed,
// a full disk, a broken terminal) is reported instead of ending in a silent exit 0.
#pragma once
#include <stdexcept>
#include <string>
#include <string_view>

namespace parcook {

// stdout could not be written: exit 74 (sysexits' EX_IOERR) with one line on stderr.
struct OutputError : std::runtime_error {
    using std::runtime_error::runtime_error;
};
inline constexpr int exit_output_failed = 74;

// Writes all of `text` to stdout in one go (lines from threads never tear); throws OutputError.
void write_stdout(std::string_view text);
// The same from any thread, never throwing: a failure is remembered for output_failure().
void write_stdout_noexcept(std::string_view text) noexcept;
// The first failed write, flush of C and C++ streams included ("" when every write succeeded).
std::string output_failure();

// Descriptors 0, 1 and 2 that are closed at start-up are given placeholders, so that pipes and
// files opened later never take those numbers. A closed stdout stays unwritable (the placeholder
// is read-only): writing the record then fails loudly instead of reaching a worker's pipe.
void reserve_standard_descriptors() noexcept;

} // namespace parcook
