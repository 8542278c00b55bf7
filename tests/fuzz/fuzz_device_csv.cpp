// Device measurement CSV files (counts, events, traces, multi-state), and what the CLI and
// the Device page do with a file that loaded: estimates, the fits and the lookup table.
#include "device_pipeline.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string path = dwmtj::fuzz::writeInput(data, size, "device.csv");
    dwmtj::fuzz::expectCleanRefusal([&] { (void)dwmtj::core::inspectCsv(path); });
    dwmtj::fuzz::runDevicePipeline(path);
    return 0;
}
