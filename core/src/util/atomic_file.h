#pragma once
// Atomic file writing: write `path.tmp`, then rename it over `path`. Internal to the core.
#include <functional>
#include <string>

namespace dwmtj::core::detail {

/// Calls writer(tmpPath); on success renames tmpPath to path, on any exception removes
/// tmpPath and rethrows. No partial `path` is ever left behind.
void writeAtomically(const std::string& path, const std::function<void(const std::string&)>& writer);
/// Writes text atomically.
void writeTextAtomically(const std::string& path, const std::string& text);

}  // namespace dwmtj::core::detail

namespace dwmtj::core::detail {
/// The file name's extension in lower case, with the dot (".csv"); "" if none.
std::string lowerExtension(const std::string& path);
}  // namespace dwmtj::core::detail
