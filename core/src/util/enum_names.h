#pragma once
// Enum <-> string through one table per enum (internal): the names a file, the CLI and a sweep
// file use, written once. A table is a constexpr array of {value, name} pairs.
#include <cstddef>
#include <string>
#include <utility>

#include "dwmtj/error.h"

namespace dwmtj::core::names {

template <typename E, size_t N>
const char* of(const std::pair<E, const char*> (&table)[N], E value)
{
    for (const auto& [v, name] : table)
        if (v == value) return name;
    return "?";
}

/// "a, b or c": the table's names, for messages and help.
template <typename E, size_t N>
std::string choices(const std::pair<E, const char*> (&table)[N])
{
    std::string out;
    for (size_t k = 0; k < N; ++k)
        out += std::string(k == 0 ? "" : k + 1 == N ? " or " : ", ") + table[k].second;
    return out;
}

/// The value named `text`; throws OptionsError "unknown WHAT 'text': expected a, b or c".
template <typename E, size_t N>
E parse(const std::pair<E, const char*> (&table)[N], const std::string& text, const char* what)
{
    for (const auto& [v, name] : table)
        if (text == name) return v;
    throw OptionsError(std::string("unknown ") + what + " '" + text + "': expected " +
                       choices(table));
}

}  // namespace dwmtj::core::names
