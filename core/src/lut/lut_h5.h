#pragma once
// LUT as an HDF5 group (used by LUT files and experiment files). Internal to the core.
#include <string>

#include "dwmtj/lut.h"
#include "io/h5.h"

namespace dwmtj::core {
void writeLutGroup(const h5::File& f, const std::string& root, const Lut& lut);
Lut readLutGroup(const h5::File& f, const std::string& root);  ///< throws FileFormatError
}  // namespace dwmtj::core
