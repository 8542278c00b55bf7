#pragma once
// Atomic file writing: write `path.tmp.<pid>`, verify, fsync, then rename it over `path`.
// Internal to the core.
#include <cstddef>
#include <functional>
#include <iosfwd>
#include <new>
#include <string>

namespace dwmtj::core::detail {

/// Calls writer(tmpPath) (which must close its file and throw if that fails, e.g.
/// h5::close); then fsyncs tmpPath, renames it to path and fsyncs the folder. On any
/// failure tmpPath is removed, `path` is untouched and the error (naming `path`, not the
/// temporary) is thrown. Temporary files of killed writers of the same target are removed
/// first. No partial `path` is ever left behind.
void writeAtomically(const std::string& path,
                     const std::function<void(const std::string&)>& writer);
/// Writes text atomically.
void writeTextAtomically(const std::string& path, const std::string& text);

}  // namespace dwmtj::core::detail

namespace dwmtj::core::detail {
/// The file name's extension in lower case, with the dot (".csv"); "" if none.
std::string lowerExtension(const std::string& path);
/// Throws FileFormatError when `path` exists but is not a regular file (a FIFO would block
/// forever, /dev/zero reads without end, a folder cannot be parsed). Missing files are left
/// to the caller's own message.
void requireRegularFile(const std::string& path);
/// Throws the FileFormatError that says `path` holds more data than could be allocated (what
/// a loader's std::bad_alloc becomes, so that the message names the file).
[[noreturn]] void throwTooLargeToRead(const std::string& path);
/// `read()`, with an allocation failure turned into throwTooLargeToRead(path).
template <typename Read>
auto readNamingTheFile(const std::string& path, Read&& read)
{
    try {
        return read();
    } catch (const std::bad_alloc&) {
        throwTooLargeToRead(path);
    }
}

enum class LineRead { End, Line, TooLong };
/// std::getline with a bound: never holds more than `maxBytes` of one line (a file of one
/// endless line must not be read into memory to be refused). TooLong leaves the stream
/// mid-line; the caller throws.
LineRead getLineBounded(std::istream& in, std::string& line, std::size_t maxBytes);
}  // namespace dwmtj::core::detail
