// NumPy .npy and .npz device files. The first byte picks the extension (a .npz is a zip of
// .npy members); the rest is the file.
#include "device_pipeline.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 1) return 0;
    const bool npz = data[0] & 1;
    const std::string path =
        dwmtj::fuzz::writeInput(data + 1, size - 1, npz ? "device.npz" : "device.npy");
    dwmtj::fuzz::runDevicePipeline(path);
    return 0;
}
