// The built-in device-data loaders; device_readers.cpp registers them (dwmtj/device_io.h,
// DeviceReader). Each throws FileFormatError naming the file and the location.
#pragma once

#include <string>

#include "dwmtj/device_io.h"

namespace dwmtj::core {

DeviceData loadDeviceCsv(const std::string& path,
                         const DeviceLoadOptions& options);  // device_io.cpp
DeviceData loadDeviceHdf5(const std::string& path,
                          const DeviceLoadOptions& options);  // device_hdf5.cpp
DeviceData loadDeviceNumpy(const std::string& path, const DeviceLoadOptions& options);  // npy.cpp

}  // namespace dwmtj::core
