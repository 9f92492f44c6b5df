// gpu/word-count: the text as word ids (see word-count.hpp).
#include "gpu/support/word-count.hpp"

#include "parcook/workloads.hpp"

#include <cctype>
#include <unordered_map>

namespace parcook::gpu {

WordIds word_ids(std::string_view text) {
    WordIds t;
    std::unordered_map<std::string, std::uint32_t> id_of;
    std::string word;
    workload::for_each_word(text, [&](std::string_view w) {
        word.assign(w);
        for (char& c : word)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        const auto [it, added] =
            id_of.try_emplace(word, static_cast<std::uint32_t>(t.words.size()));
        if (added)
            t.words.push_back(word);
        t.ids.push_back(it->second);
    });
    return t;
}

} // namespace parcook::gpu
