// Experiment files, mutated from small trained ones (h5_mutator.h). A file that loads is
// then used as `dwmtj noise`/`--resume` and the workbench use one before any network is
// built: its configuration is checked and its checkpoints are matched to the network the
// configuration describes (checkpointProblems).
#include "dwmtj/experiment.h"
#include "fuzz_support.h"
#include "h5_mutator.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static const auto bases = dwmtj::fuzz::baseFiles({"tests/fuzz/bases/experiment"});
    const std::string path = dwmtj::fuzz::mutatedFile(bases, data, size, "experiment.h5");
    dwmtj::fuzz::expectCleanRefusal([&] { (void)dwmtj::core::loadExperiment(path); });
    return 0;
}
