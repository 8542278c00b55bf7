#pragma once
// Where the bundled example data live (no Qt: the GUI and the CLI share this).
#include <string>

namespace dwmtj::core {

/// The datasets folder: $DWMTJ_DATASETS_DIR if set, else the installed
/// <prefix>/share/dwmtj-workbench/datasets, else the source tree's datasets/.
/// Returns an empty string if none exists.
std::string datasetsDir();
/// The resources folder (paper-experiments.ini): $DWMTJ_RESOURCES_DIR, the installed
/// <prefix>/share/dwmtj-workbench/resources, else the source tree's resources/ ("" if none).
std::string resourcesDir();
/// Software version string ("0.2.0"; the project() VERSION in CMakeLists.txt).
const char* version();
/// Git commit of the source tree at configure time ("" if unknown).
const char* gitHash();

}  // namespace dwmtj::core

namespace dwmtj::core {
/// One line per library: LibTorch, HDF5, BLAS (libblas.so.3 target), OPENBLAS_CORETYPE.
std::string libraryVersions();
}  // namespace dwmtj::core
