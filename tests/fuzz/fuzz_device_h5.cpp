// Device measurement HDF5 files (/counts, /events, /traces, /multistate), mutated from the
// bundled ones (h5_mutator.h), then the fit pipeline a loaded file goes through.
#include "device_pipeline.h"
#include "h5_mutator.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static const auto bases = dwmtj::fuzz::baseFiles(
        {"datasets", "tests/data/bad/mismatched_lengths.h5", "tests/data/bad/wrong_dtype.h5",
         "tests/data/bad/no_groups.h5", "tests/data/bad/huge_dims.h5"});
    const std::string path = dwmtj::fuzz::mutatedFile(bases, data, size, "device.h5");
    dwmtj::fuzz::runDevicePipeline(path);
    return 0;
}
