// The network-construction keys of an ini section (sweep files, presets): one reader for all.
#pragma once

#include <string>
#include <vector>

#include "dwmtj/training_config.h"
#include "util/ini.h"

namespace dwmtj::core {

/// Sets every construction key that `sec` has (constructionKeys()) on `c` and returns those keys
/// in constructionKeys() order; a bad value throws FileFormatError naming `path`, the section and
/// the key.
std::vector<std::string> readConstruction(const ini::Section& sec, const std::string& path,
                                          TrainingConfig& c);

}  // namespace dwmtj::core
