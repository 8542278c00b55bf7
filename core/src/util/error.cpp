#include "dwmtj/error.h"

namespace dwmtj::core {
namespace {
std::string compose(const std::string& path, const std::string& location,
                    const std::string& expected, const std::string& found, const std::string& hint)
{
    std::string m = path;
    if (!location.empty()) m += ": " + location;
    m += ": expected " + expected + ", found " + found;
    if (!hint.empty()) m += ". " + hint;
    return m;
}
}  // namespace

FileFormatError::FileFormatError(std::string path, std::string location, std::string expected,
                                 std::string found, std::string hint)
    : Error(compose(path, location, expected, found, hint)),
      m_path(std::move(path)),
      m_location(std::move(location)),
      m_expected(std::move(expected)),
      m_found(std::move(found))
{
}

}  // namespace dwmtj::core
