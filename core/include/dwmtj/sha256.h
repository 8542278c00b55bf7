#pragma once
// SHA-256 (FIPS 180-4) for the provenance of source data files.
#include <string>

namespace dwmtj::core {

/// SHA-256 of a file's bytes, lower-case hex. Throws Error if it cannot be read.
std::string sha256File(const std::string& path);
/// SHA-256 of bytes, lower-case hex.
std::string sha256(const std::string& bytes);

}  // namespace dwmtj::core
