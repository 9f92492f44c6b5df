// Values as bytes, for whatever crosses between two copies of this binary (a pipe to a worker,
// a child role's arguments). Both ends are the same program, so trivially copyable values
// travel byte for byte; strings, vectors and maps travel as a count, then their elements;
// aggregates (plain structs) field by field. A pointer would mean nothing on the other side.
//
//     struct Args { std::string name; Duration sleep; };
//     std::string bytes; put(bytes, Args{"Process-1", 1s});
//     std::string_view in = bytes; Args back = take<Args>(in);  // throws Truncated if short
#pragma once
#include <boost/pfr/core.hpp>
#include <cstdint>
#include <cstring>
#include <ranges>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

namespace parcook {

template <class T>
concept Bytes = std::is_trivially_copyable_v<T>;
template <class T>
concept Map = requires {
    typename T::key_type;
    typename T::mapped_type;
};
template <class T>
concept Sequence = requires(T& t, typename T::value_type v) {
    t.push_back(v);
};
template <class T>
concept Block = std::ranges::contiguous_range<T> && Bytes<typename T::value_type>;
template <class T>
concept Fields = std::is_aggregate_v<T> && !Bytes<T> && !Sequence<T> && !Map<T>;

// The input ended before the value did, or held more than the value.
struct Truncated : std::runtime_error {
    Truncated() : std::runtime_error("truncated message") {}
};

template <class T>
void put(std::string& out, const T& value) {
    if constexpr (Bytes<T>) {
        out.append(reinterpret_cast<const char*>(&value), sizeof value);
    } else if constexpr (Block<T> && Sequence<T>) { // std::string, std::vector<int>: one copy
        put(out, static_cast<std::uint64_t>(value.size()));
        out.append(reinterpret_cast<const char*>(value.data()),
                   value.size() * sizeof(typename T::value_type));
    } else if constexpr (Map<T> || Sequence<T>) {
        put(out, static_cast<std::uint64_t>(value.size()));
        for (const auto& element : value) {
            if constexpr (Map<T>) {
                put(out, element.first);
                put(out, element.second);
            } else {
                put(out, element);
            }
        }
    } else if constexpr (Fields<T>) {
        boost::pfr::for_each_field(value, [&](const auto& field) { put(out, field); });
    } else {
        static_assert(sizeof(T) == 0, "this type cannot be encoded: make it an aggregate");
    }
}

inline void need(std::string_view in, std::uint64_t bytes) {
    if (in.size() < bytes)
        throw Truncated();
}

template <class T>
T take(std::string_view& in) {
    if constexpr (Bytes<T>) {
        T value;
        need(in, sizeof value);
        std::memcpy(&value, in.data(), sizeof value);
        in.remove_prefix(sizeof value);
        return value;
    } else if constexpr (Fields<T>) {
        T value{};
        boost::pfr::for_each_field(
            value, [&](auto& field) { field = take<std::remove_cvref_t<decltype(field)>>(in); });
        return value;
    } else {
        const auto count = take<std::uint64_t>(in);
        T value;
        if constexpr (Block<T> && Sequence<T>) {
            const std::uint64_t bytes = count * sizeof(typename T::value_type);
            need(in, bytes);
            value.resize(count);
            std::memcpy(value.data(), in.data(), bytes);
            in.remove_prefix(bytes);
        } else {
            need(in, count); // every element takes at least one byte
            for (std::uint64_t i = 0; i < count; ++i) {
                if constexpr (Map<T>) {
                    auto key = take<typename T::key_type>(in);
                    value.emplace(std::move(key), take<typename T::mapped_type>(in));
                } else {
                    value.push_back(take<typename T::value_type>(in));
                }
            }
        }
        return value;
    }
}

// The whole of `bytes` as one T: anything left over is an error too.
template <class T>
T take_exactly(std::string_view bytes) {
    T value = take<T>(bytes);
    if (!bytes.empty())
        throw Truncated();
    return value;
}

} // namespace parcook
