#include "dwmtj/paths.h"

#include <cstdlib>
#include <filesystem>

namespace dwmtj::core {

std::string datasetsDir()
{
    namespace fs = std::filesystem;
    std::error_code ec;
    if (const char* env = std::getenv("DWMTJ_DATASETS_DIR"); env && fs::is_directory(env, ec))
        return env;
    for (const char* dir : {DWMTJ_INSTALLED_DATASETS_DIR, DWMTJ_SOURCE_DATASETS_DIR})
        if (fs::is_directory(dir, ec)) return dir;
    return {};
}

std::string resourcesDir()
{
    namespace fs = std::filesystem;
    std::error_code ec;
    if (const char* env = std::getenv("DWMTJ_RESOURCES_DIR"); env && fs::is_directory(env, ec))
        return env;
    for (const char* dir : {DWMTJ_INSTALLED_RESOURCES_DIR, DWMTJ_SOURCE_RESOURCES_DIR})
        if (fs::is_regular_file(std::string(dir) + "/paper-experiments.ini", ec)) return dir;
    return {};
}

const char* version() { return DWMTJ_VERSION; }

#ifndef DWMTJ_GIT_HASH
#define DWMTJ_GIT_HASH ""
#endif
const char* gitHash() { return DWMTJ_GIT_HASH; }

}  // namespace dwmtj::core

#include <hdf5.h>
// The fuzz build (tests/fuzz) compiles this library without LibTorch.
#if __has_include(<torch/version.h>)
#include <torch/version.h>
#else
#define TORCH_VERSION "(not linked)"
#endif

namespace dwmtj::core {

std::string libraryVersions()
{
    namespace fs = std::filesystem;
    unsigned maj = 0, min = 0, rel = 0;
    H5get_libversion(&maj, &min, &rel);
    std::error_code ec;
    const auto blas = fs::canonical("/usr/lib/x86_64-linux-gnu/libblas.so.3", ec);
    const char* core = std::getenv("OPENBLAS_CORETYPE");
    return std::string("LibTorch ") + TORCH_VERSION + "\nHDF5 " + std::to_string(maj) + "." +
           std::to_string(min) + "." + std::to_string(rel) + "\nBLAS " +
           (ec ? std::string("unknown") : blas.string()) + "\nOPENBLAS_CORETYPE " +
           (core ? core : "(not set)");
}

}  // namespace dwmtj::core
