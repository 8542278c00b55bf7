#include "atomic_file.h"

#include <fcntl.h>
#include <sys/types.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "dwmtj/error.h"

namespace dwmtj::core::detail {

namespace {

/// fsync of a file or folder; false on failure.
bool syncPath(const std::string& path, bool directory)
{
    const int fd = ::open(path.c_str(), (directory ? O_DIRECTORY : 0) | O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    const bool ok = ::fsync(fd) == 0 || (directory && (errno == EINVAL || errno == EROFS));
    ::close(fd);
    return ok;
}

/// Removes `<name>.tmp.<pid>` files left in the target's folder by a writer that was killed
/// (its process no longer exists). Temporary files of live processes are left alone.
void removeStaleTemporaries(const std::filesystem::path& target)
{
    std::error_code ec;
    const auto dir = target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
    const std::string prefix = target.filename().string() + ".tmp.";
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
        const std::string name = e.path().filename().string();
        if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) continue;
        const std::string pidText = name.substr(prefix.size());
        if (pidText.find_first_not_of("0123456789") != std::string::npos || pidText.size() > 9)
            continue;
        const pid_t pid = pid_t(std::stol(pidText));
        if (pid == ::getpid()) continue;
        if (::kill(pid, 0) == 0 || errno == EPERM) continue;  // still running
        std::filesystem::remove(e.path(), ec);
    }
}

/// The message of a failed write, naming the target instead of its temporary file.
std::string aboutTarget(std::string message, const std::string& tmp, const std::string& path)
{
    for (std::size_t at = message.find(tmp); at != std::string::npos;
         at = message.find(tmp, at + path.size()))
        message.replace(at, tmp.size(), path);
    return message;
}

}  // namespace

void writeAtomically(const std::string& path, const std::function<void(const std::string&)>& writer)
{
    // The new content goes to a temporary file in the same folder; only when it is
    // completely written, closed without error and on disk (fsync) does it replace the
    // target (rename), and the folder entry is synced too. On any failure the target is
    // untouched, the temporary file is removed and the error names the target.
    const std::string tmp = path + ".tmp." + std::to_string(::getpid());
    removeStaleTemporaries(path);
    try {
        writer(tmp);
        if (!syncPath(tmp, false))
            throw Error(path + ": the new content could not be flushed to disk (" +
                        std::strerror(errno) + "); the previous file is kept");
        std::error_code ec;
        std::filesystem::rename(tmp, path, ec);
        if (ec)
            throw Error(path + ": could not replace the file (" + ec.message() +
                        "); the previous file is kept");
        const auto dir = std::filesystem::path(path).parent_path();
        syncPath(dir.empty() ? std::string(".") : dir.string(), true);
    } catch (const OptionsError&) {
        std::error_code ec;
        std::filesystem::remove(tmp, ec);
        throw;  // a bad setting, found before anything was written
    } catch (const Error& e) {
        std::error_code ec;
        std::filesystem::remove(tmp, ec);
        std::string m = aboutTarget(e.what(), tmp, path);
        if (m.find("previous file is kept") == std::string::npos &&
            std::filesystem::exists(path, ec))
            m += "; the previous file is kept";
        throw Error(m);
    } catch (...) {
        std::error_code ec;
        std::filesystem::remove(tmp, ec);
        throw;
    }
}

void writeTextAtomically(const std::string& path, const std::string& text)
{
    writeAtomically(path, [&](const std::string& tmp) {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw Error(path + ": cannot create the file (is the folder writable?)");
        out << text;
        out.flush();
        if (!out) throw Error(path + ": writing failed (disk full?)");
    });
}

}  // namespace dwmtj::core::detail

namespace dwmtj::core::detail {

void requireRegularFile(const std::string& path)
{
    std::error_code ec;
    const auto st = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(st) || std::filesystem::is_regular_file(st)) return;
    const char* kind = std::filesystem::is_directory(st)        ? "a folder"
                       : std::filesystem::is_fifo(st)           ? "a FIFO (named pipe)"
                       : std::filesystem::is_character_file(st) ? "a character device"
                       : std::filesystem::is_block_file(st)     ? "a block device"
                       : std::filesystem::is_socket(st)         ? "a socket"
                                                                : "not a regular file";
    throw FileFormatError(path, "", "a regular file", kind);
}

std::string lowerExtension(const std::string& path)
{
    std::string e = std::filesystem::path(path).extension().string();
    for (char& c : e) c = char(std::tolower(static_cast<unsigned char>(c)));
    return e;
}

void throwTooLargeToRead(const std::string& path)
{
    throw FileFormatError(path, "", "data that fit in memory",
                          "more than could be allocated while reading it (a crafted or damaged "
                          "file, or too little memory)");
}

LineRead getLineBounded(std::istream& in, std::string& line, std::size_t maxBytes)
{
    line.clear();
    std::streambuf* buf = in.rdbuf();
    for (;;) {
        const int c = buf->sbumpc();
        if (c == std::char_traits<char>::eof()) {
            in.setstate(std::ios::eofbit);
            return line.empty() ? LineRead::End : LineRead::Line;
        }
        if (c == '\n') return LineRead::Line;
        if (line.size() >= maxBytes) return LineRead::TooLong;
        line.push_back(char(c));
    }
}

}  // namespace dwmtj::core::detail
