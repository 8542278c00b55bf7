#pragma once
// Shared by the libFuzzer targets (docs/testing.md, "Fuzzing"). Each target writes the
// fuzzer's bytes to a file (the loaders take paths, as the CLI and the workbench do) and
// calls the loader. A loader may refuse the file with dwmtj::core::Error (that is the
// contract: a clear message); any other exception escaping, a sanitizer report, a hang or
// an oversized allocation is a finding.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <typeinfo>

#include "dwmtj/error.h"

namespace dwmtj::fuzz {

/// A per-process scratch folder (on /dev/shm when it exists: the targets write a file per
/// input).
inline const std::string& scratchDir()
{
    // Never destroyed: the exit handler below runs after static destructors would have.
    static const std::string& dir = *new std::string([] {
        namespace fs = std::filesystem;
        const fs::path base =
            fs::exists("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
        const fs::path d = base / ("dwmtj-fuzz-" + std::to_string(::getpid()));
        fs::create_directories(d);
        return d.string();
    }());
    static const bool cleanup = [] {
        return std::atexit([] {
                   std::error_code ec;
                   std::filesystem::remove_all(scratchDir(), ec);
               }) == 0;
    }();
    (void)cleanup;
    return dir;
}

inline std::string writeInput(const std::uint8_t* data, std::size_t size, const std::string& name)
{
    const std::string path = scratchDir() + "/" + name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), std::streamsize(size));
    return path;
}

/// Runs `fn`; a dwmtj::core::Error is the expected refusal. Anything else aborts with its
/// type and message, so that libFuzzer records the input.
template <typename F>
void expectCleanRefusal(F&& fn)
{
    try {
        fn();
    } catch (const dwmtj::core::Error& e) {
        if (std::getenv("DWMTJ_FUZZ_VERBOSE")) std::fprintf(stderr, "refused: %s\n", e.what());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "fuzz: %s escaped the loader: %s\n", typeid(e).name(), e.what());
        std::abort();
    }
}

}  // namespace dwmtj::fuzz
