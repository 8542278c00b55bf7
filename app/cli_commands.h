#pragma once
#include <string>
#include <vector>

namespace dwmtj::cli {
int runFit(const std::vector<std::string>& args);
int runEnergy(const std::vector<std::string>& args);
int runSimulateDevice(const std::vector<std::string>& args);
int runSpread(const std::vector<std::string>& args);
int runTrain(const std::vector<std::string>& args);
int runNoise(const std::vector<std::string>& args);
int runVariability(const std::vector<std::string>& args);
int runPlanMeasurements(const std::vector<std::string>& args);
int runYield(const std::vector<std::string>& args);
int runRobustness(const std::vector<std::string>& args);
int runBench(const std::vector<std::string>& args);
int runSweep(const std::vector<std::string>& args);
/// `dwmtj sweep from-presets`: the presets' experiments as a sweep file (cli_sweep_presets.cpp).
int sweepFromPresets(const std::vector<std::string>& args);
int runDesign(const std::vector<std::string>& args);
int runReproduce(const std::vector<std::string>& args);  ///< needs the UI library (figures)
}  // namespace dwmtj::cli
