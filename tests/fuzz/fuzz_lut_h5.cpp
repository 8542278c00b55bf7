// Lookup tables as HDF5, mutated from good ones (h5_mutator.h).
#include "dwmtj/lut.h"
#include "fuzz_support.h"
#include "h5_mutator.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static const auto bases = dwmtj::fuzz::baseFiles({"tests/fuzz/bases/lut"});
    FuzzedDataProvider fdp(data, size);
    const std::string path = dwmtj::fuzz::scratchDir() + "/lut.h5";
    dwmtj::fuzz::mutateHdf5(bases, fdp, path);
    dwmtj::fuzz::expectCleanRefusal([&] { (void)dwmtj::core::loadLut(path); });
    return 0;
}
