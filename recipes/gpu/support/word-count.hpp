// gpu/word-count's one interface over its GPU APIs (as vector-sum.hpp): word-count.cpp is the
// recipe, word-count-cuda.cu and word-count-opencl.cpp the kernels. The host tokenizes the text
// and maps each word to an id (string work a GPU is poor at); the device builds the histogram of
// the ids with atomic increments.
#pragma once
#include "gpu/support/record.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace parcook::gpu {

// The text as word ids: ids[w] indexes words (lower-cased, first occurrence order).
struct WordIds {
    std::vector<std::string> words;
    std::vector<std::uint32_t> ids;
};
WordIds word_ids(std::string_view text);

class WordCountDevice {
public:
    virtual ~WordCountDevice() = default;
    // One pass: copy the ids in, count them, copy the counts (one per distinct word) out.
    virtual GpuPass pass(std::vector<std::uint32_t>& counts) = 0;

    std::string name;
    std::uint64_t threads = 0, groups = 0;
};

std::unique_ptr<WordCountDevice> open_word_count_cuda(unsigned device, const WordIds& text);
std::unique_ptr<WordCountDevice> open_word_count_opencl(unsigned device, const WordIds& text);

} // namespace parcook::gpu
