// Which kernel a linear layer on spikes uses (events.h): the choice (DWMTJ_KERNELS, auto by
// default), the crossover densities of `auto`, and the calibration file that `dwmtj bench
// --calibrate` writes (docs/models.md, "Event-driven kernels").
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>

#include "dwmtj/error.h"
#include "dwmtj/training.h"
#include "events.h"
#include "util/atomic_file.h"

namespace dwmtj::core::snn {
namespace {

// Built-in crossovers (docs/models.md): `dwmtj bench --calibrate` measured 0.26-0.33 for
// training on the Intel Xeon development machine (OpenBLAS SkylakeX kernels) and 0.12 on an
// AMD EPYC (Zen 3, Haswell kernels); 0.20 keeps fc1's Poisson pixels (density ~0.29, where the
// Intel machine measured event = dense) on the GEMM and LIF spikes (~0.11) on the event
// kernels on both. Inference: 0.33-0.38 Intel, 0.19 AMD, where at 0.3 both kernels take the
// same time. A calibration file replaces them.
constexpr Crossover kDefaultCrossover{0.20, 0.35};

/// The crossovers in effect when the process starts (the calibration file's when it is
/// valid) and where they come from.
struct Origin {
    Crossover cross;
    std::string text;
};
Origin startupOrigin()
{
    const core::KernelCalibration c = core::loadKernelCalibration();
    if (!c.valid) return {kDefaultCrossover, "built-in"};
    return {{c.training, c.inference}, "calibrated " + c.measuredAt + ", " + c.path};
}

KernelChoice choiceFromEnvironment()
{
    const char* v = std::getenv("DWMTJ_KERNELS");
    if (!v) return KernelChoice::Auto;
    const std::string s(v);
    if (s == "dense") return KernelChoice::Dense;
    if (s == "event") return KernelChoice::Event;
    return KernelChoice::Auto;  // reported by kernelEnvironmentProblem()
}

std::atomic<KernelChoice> g_choice{choiceFromEnvironment()};
// Where the crossovers come from, for linearKernelDescription().
std::mutex g_originMutex;
Origin g_origin = startupOrigin();
std::atomic<double> g_crossTrain{g_origin.cross.training};
std::atomic<double> g_crossInfer{g_origin.cross.inference};

}  // namespace

void setKernelChoice(KernelChoice c) { g_choice = c; }
KernelChoice kernelChoice() { return g_choice.load(); }
Crossover crossover() { return {g_crossTrain.load(), g_crossInfer.load()}; }
void setCrossover(Crossover c)
{
    g_crossTrain = c.training;
    g_crossInfer = c.inference;
}

bool useEventKernel(double density, int64_t cols, bool training)
{
    if (cols > kMaxEventColumns) return false;
    switch (g_choice.load()) {
        case KernelChoice::Dense:
            return false;
        case KernelChoice::Event:
            return true;
        case KernelChoice::Auto:
            break;
    }
    return density <= (training ? g_crossTrain.load() : g_crossInfer.load());
}

const char* kernelChoiceName(KernelChoice c)
{
    switch (c) {
        case KernelChoice::Dense:
            return "dense";
        case KernelChoice::Event:
            return "event";
        case KernelChoice::Auto:
            break;
    }
    return "auto";
}

}  // namespace dwmtj::core::snn

namespace dwmtj::core {

std::string kernelEnvironmentProblem()
{
    const char* v = std::getenv("DWMTJ_KERNELS");
    if (!v) return {};
    const std::string s(v);
    if (s == "auto" || s == "dense" || s == "event") return {};
    return "the environment variable DWMTJ_KERNELS is '" + s +
           "'; expected auto, dense or event (or unset for auto)";
}

std::string kernelCalibrationPath()
{
    if (const char* v = std::getenv("DWMTJ_KERNELS_CALIBRATION"))
        return std::string(v) == "none" ? std::string() : std::string(v);
    if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x)
        return std::string(x) + "/dwmtj/kernels.ini";
    if (const char* h = std::getenv("HOME"); h && *h)
        return std::string(h) + "/.config/dwmtj/kernels.ini";
    return {};
}

KernelCalibration loadKernelCalibration()
{
    KernelCalibration c;
    c.path = kernelCalibrationPath();
    if (c.path.empty()) return c;
    std::ifstream in(c.path);
    if (!in) return c;  // not calibrated: the built-in crossovers
    std::string line;
    int lineNo = 0;
    bool haveTraining = false, haveInference = false;
    auto fail = [&](const std::string& why) {
        c.problem = "kernel calibration " + c.path +
                    (lineNo ? " line " + std::to_string(lineNo) : "") + ": " + why +
                    "; the built-in crossovers are used (run `dwmtj bench --calibrate` again)";
        c.valid = false;
        return c;
    };
    while (std::getline(in, line)) {
        ++lineNo;
        if (line.empty() || line[0] == '#') continue;
        const size_t eq = line.find('=');
        if (eq == std::string::npos) return fail("expected key=value, found '" + line + "'");
        const std::string key = line.substr(0, eq), value = line.substr(eq + 1);
        if (key == "format_version" && value != "1")
            return fail("format_version " + value + " is not supported (expected 1)");
        if (key == "training" || key == "inference") {
            char* end = nullptr;
            const double d = std::strtod(value.c_str(), &end);
            if (value.empty() || *end != '\0' || !(d >= 0 && d <= 1))
                return fail("expected a spike density in [0, 1] for " + key + ", found '" + value +
                            "'");
            (key == "training" ? c.training : c.inference) = d;
            (key == "training" ? haveTraining : haveInference) = true;
        }
        if (key == "measured") c.measuredAt = value;
        if (key == "machine") c.machine = value;
    }
    lineNo = 0;
    if (!haveTraining || !haveInference)
        return fail("the training or inference crossover is missing");
    c.valid = true;
    return c;
}

void saveKernelCalibration(const KernelCalibration& c)
{
    if (c.path.empty())
        throw Error(
            "no place for the kernel calibration: set HOME, XDG_CONFIG_HOME or "
            "DWMTJ_KERNELS_CALIBRATION");
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(c.path).parent_path(), ec);
    std::ostringstream out;
    out << "# DW-MTJ Workbench kernel calibration, written by `dwmtj bench --calibrate`.\n"
        << "# Linear layers with spike input run event-driven at input spike densities up to\n"
        << "# these crossovers, the dense GEMM above (docs/models.md, \"Event-driven kernels\").\n"
        << "format_version=1\n";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.4f", c.training);
    out << "training=" << buf << "\n";
    std::snprintf(buf, sizeof buf, "%.4f", c.inference);
    out << "inference=" << buf << "\n";
    out << "measured=" << c.measuredAt << "\n"
        << "machine=" << c.machine << "\n";
    detail::writeTextAtomically(c.path, out.str());
}

void applyKernelCalibration(const KernelCalibration& c)
{
    std::lock_guard lock(snn::g_originMutex);
    snn::g_origin = {{c.training, c.inference}, "calibrated " + c.measuredAt + ", " + c.path};
    snn::setCrossover(snn::g_origin.cross);
}

std::string kernelCalibrationProblem() { return loadKernelCalibration().problem; }

std::string linearKernelDescription()
{
    using namespace snn;
    const KernelChoice c = kernelChoice();
    if (c == KernelChoice::Dense) return "dense: GEMMs only";
    if (c == KernelChoice::Event) return "event: event-driven for every spike input";
    const Crossover x = crossover();
    std::string origin;
    {
        std::lock_guard lock(g_originMutex);
        const bool described =
            x.training == g_origin.cross.training && x.inference == g_origin.cross.inference;
        origin = described ? g_origin.text : "set by the program";
    }
    char buf[160];
    std::snprintf(buf, sizeof buf,
                  "auto: event-driven at input spike density <= %.2f (training), %.2f (inference)",
                  x.training, x.inference);
    return std::string(buf) + "; crossovers " + origin;
}

}  // namespace dwmtj::core
