#pragma once
// A per-process scratch folder for test files.
#include <filesystem>
#include <string>
#include <unistd.h>

inline std::string tmpPath(const std::string& name)
{
    const auto dir = std::filesystem::temp_directory_path() / ("dwmtj_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    return (dir / name).string();
}
