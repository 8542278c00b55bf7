#include "atomic_file.h"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "dwmtj/error.h"

namespace dwmtj::core::detail {

void writeAtomically(const std::string& path, const std::function<void(const std::string&)>& writer)
{
    const std::string tmp = path + ".tmp." + std::to_string(::getpid());
    try {
        writer(tmp);
        std::filesystem::rename(tmp, path);
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

std::string lowerExtension(const std::string& path)
{
    std::string e = std::filesystem::path(path).extension().string();
    for (char& c : e) c = char(std::tolower(static_cast<unsigned char>(c)));
    return e;
}

}  // namespace dwmtj::core::detail
