// Lookup tables as HDF5, mutated from good ones (h5_mutator.h).
#include "dwmtj/lut.h"
#include "fuzz_support.h"
#include "h5_mutator.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static const auto bases = dwmtj::fuzz::baseFiles({"tests/fuzz/bases/lut"});
    const std::string path = dwmtj::fuzz::mutatedFile(bases, data, size, "lut.h5");
    dwmtj::fuzz::expectCleanRefusal([&] { (void)dwmtj::core::loadLut(path); });
    return 0;
}
