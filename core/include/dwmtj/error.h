#pragma once
// Typed errors thrown by dwmtj_core. Every message names the file (or HDF5 path), the
// location (row/column/dataset), what was expected and what was found.
#include <stdexcept>
#include <string>

namespace dwmtj::core {

class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// A file could not be read as the expected format.
class FileFormatError : public Error {
public:
    FileFormatError(std::string path, std::string location, std::string expected, std::string found,
                    std::string hint = {});
    const std::string& path() const { return m_path; }
    const std::string& location() const { return m_location; }
    const std::string& expected() const { return m_expected; }
    const std::string& found() const { return m_found; }

private:
    std::string m_path, m_location, m_expected, m_found;
};

/// A fit could not be carried out on otherwise valid data (e.g. complete separation).
class FitError : public Error {
public:
    using Error::Error;
};

/// An options struct holds an invalid value.
class OptionsError : public Error {
public:
    using Error::Error;
};

}  // namespace dwmtj::core
