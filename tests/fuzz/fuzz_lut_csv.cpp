// Lookup tables as CSV (the format `dwmtj fit --lut x.csv` writes), then what training does
// with one: the LUT is validated on load and queried.
#include "dwmtj/lut.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string path = dwmtj::fuzz::writeInput(data, size, "lut.csv");
    dwmtj::fuzz::expectCleanRefusal([&] { (void)dwmtj::core::loadLut(path); });
    return 0;
}
