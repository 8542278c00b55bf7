// dwmtj: the command-line interface of DW-MTJ Workbench (links only the core).
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "cli_args.h"
#include "cli_commands.h"
#include "dwmtj/error.h"
#include "dwmtj/neuron_kinds.h"
#include "dwmtj/paths.h"
#include "dwmtj/training.h"

namespace {
const char* kUsage =
    "usage: dwmtj <command> [options]\n"
    "\n"
    "commands:\n"
    "  fit FILE [--model binary|multistate] [--form 2|4] [--exclude V1,V2] [--fit-range A:B]\n"
    "           [--direction p-ap|ap-p] [--lut OUT.{csv,h5}] [--grid N] [--range A:B]\n"
    "           [--source fit|empirical] [--common-width] [--json]\n"
    "      per-voltage switching probabilities, the fit report, optionally a lookup table;\n"
    "      exit 1 (no table) when the fit fails, does not converge or is implausible\n"
    "  energy [--voltage V] [--r2 OHM] [--r4 OHM] [--pulse-ns NS] [--rise-fall-ns NS] [--json]\n"
    "      energy of one device sample (defaults: the paper's 1.8 V, 1029 / 365 ohm, 30 + 10 ns)\n"
    "  simulate-device --kind binary|multistate --out FILE.{csv,h5} [--shape "
    "traces|events|counts]\n"
    "           [--seed N] [--v50 V] [--width V] [--cycles N] [--cap N] [--noise OHM]\n"
    "      synthetic raw device data from a known ground truth\n"
    "  spread FILE|DIR... [--json]\n"
    "      one fit per device file (a folder: its device files), the spread of threshold and\n"
    "      width across devices, observed and device to device (without the fits' own errors)\n"
    "  train --neuron KIND | --neurons KIND1,KIND2 [--hidden 500] [--timesteps 80] [--epochs 10]\n"
    "           [--seeds 0-4] [--lut FILE] [--gain V] [--centre V] [--lut2 FILE] [--gain2 V]\n"
    "           [--centre2 V] [--batch 100] [--lr 1e-3]\n"
    "           [--device cpu|cuda|auto] [--threads N] [--data-dir DIR] [--train-limit N]\n"
    "           [--test-limit N] [--validation N] [--train-noise SIGMA]\n"
    "           [--v50-sd V] [--width-sd REL] [--c2c-sd V] [--stuck FRACTION] [--device-seed N]\n"
    "           [--variability-in training|evaluation] [--tf32] [--no-cuda-graphs] --out RUN.h5\n"
    "           [--device-gradient straight-through|none] [--bn-placement before|after]\n"
    "           [--bn-statistics sequence|per-step] [--input pixel|standardized]\n"
    "           [--init default|xavier] [--freeze none|1|2|1,2]\n"
    "           [--sampling stochastic|deterministic]\n"
    "  train --resume RUN.h5 [--epochs N]\n"
    "      train the spiking MLP on Fashion-MNIST (Ctrl+C stops cleanly and keeps the file);\n"
    "      --lut2/--gain2/--centre2: hidden layer 2's own device (else --lut/--gain/--centre);\n"
    "      with a spread every DW-MTJ neuron is its own device, drawn once per run: trained on\n"
    "      them (training) or on the nominal device and then tested on them (evaluation)\n"
    "      the paper's code as released: --neuron binary-released|multistate-released\n"
    "      --device-gradient none --bn-placement after --bn-statistics per-step\n"
    "      --input standardized --init xavier (docs/models.md, \"As released\")\n"
    "  noise RUN.h5 [--sigma 0:3:0.1 | --sigma 0,0.5,1] [--units pixel|standardized] [--seed N]\n"
    "           [--test-limit N] [--json]\n"
    "      test accuracy of each run's best checkpoint under Gaussian input noise; adds the\n"
    "      curves and the energy per inference to the file\n"
    "  variability RUN.h5 [--v50-sd LIST] [--width-sd LIST] [--c2c-sd LIST] [--stuck LIST]\n"
    "           [--bootstrap N [--device-data FILE]] [--draws 3] [--seed N] [--test-limit N]\n"
    "           [--json]\n"
    "      test accuracy with every DW-MTJ neuron its own device: V50 shift, width, "
    "cycle-to-cycle\n"
    "      jitter (V) or stuck fraction, one curve per option, stored in RUN.h5; --bootstrap:\n"
    "      with N LUTs rebuilt from the measured cycles resampled (the LUT's source file or\n"
    "      FILE), the accuracy interval that the measurement leaves\n"
    "  robustness RUN.h5... [--preset paper-noise|why-resilient | --study FILE]\n"
    "           [--choices ID,ID] [--test-limit N]\n"
    "           [--seed N] [--batch N] [--summary-only] [--json]\n"
    "      the robustness study: each modelling choice (noise model, BatchNorm statistics, time\n"
    "      steps and device gain at inference) on every run's best checkpoint; adds the curves\n"
    "      to the files and prints which choices make the paper's noise claims hold\n"
    "  bench [--neuron lif] [--hidden 500] [--timesteps 80] [--batch 100] [--steps 10] [--json]\n"
    "           [the construction options of train: --device-gradient ... --sampling]\n"
    "           [--no-layers] [--calibrate] [--device cpu|cuda] [--tf32]\n"
    "      seconds per training step against this machine's GEMM-bound limit and against dense\n"
    "      GEMMs only; per linear layer the input spike density and the dense and event-driven\n"
    "      kernels' times; the measured crossover density (DWMTJ_KERNELS=auto|dense|event).\n"
    "      --calibrate: measure only the crossovers and keep them for every later run\n"
    "      (~/.config/dwmtj/kernels.ini, or DWMTJ_KERNELS_CALIBRATION=FILE|none)\n"
    "  sweep plan FILE --out DIR [--json]\n"
    "  sweep run FILE --out DIR [--jobs N]\n"
    "  sweep submit FILE --out DIR [--partition P] [--account A] [--time HH:MM:SS]\n"
    "        [--cpus-per-task C] [--mem M] [--gres G] [--max-parallel K] [--sbatch-arg ARG]...\n"
    "        [--dry-run]\n"
    "  sweep status DIR [--json]\n"
    "  sweep collect DIR\n"
    "  sweep from-presets --out FILE.sweep [--experiments A,B] [--scale paper|quick|smoke]\n"
    "        [--presets NAME|FILE] [--noise] [--name NAME]\n"
    "      a grid of training configurations x seeds (a sweep file, docs/sweeps.md): list the\n"
    "      tasks and their cost, run them here N at a time, or as a Slurm array job with a\n"
    "      collect job after it; show each task's state; merge the tasks' files into one\n"
    "      experiment file per configuration (DIR/results)\n"
    "  reproduce [--scale smoke|quick|paper] [--lut-binary F] [--lut-multistate F] [--device "
    "cpu|cuda]\n"
    "            [--data-dir DIR] [--threads N] [--seeds-until-decided MAX] [--presets NAME|FILE]\n"
    "            [--jobs N | --slurm [sweep submit options]] --out DIR\n"
    "      the paper's experiments, figures (PNG, SVG, CSV) and a claims report (Markdown, HTML);\n"
    "      run it again to continue an interrupted reproduction. --jobs N trains as a sweep\n"
    "      here, N tasks at a time; --slurm submits the training as a Slurm array job whose\n"
    "      collect job runs this command again to finish\n"
    "  version\n";

/// The usage text and the neuron kinds (the registry's, with what each is).
std::string usage()
{
    std::string text = kUsage;
    text += "\nneuron kinds (KIND; --neurons KIND1,KIND2 sets hidden layer 1 and 2):\n";
    for (const dwmtj::core::NeuronKind k : dwmtj::core::neuronKinds()) {
        const auto& info = dwmtj::core::neuronKindInfo(k);
        char line[256];
        std::snprintf(line, sizeof line, "  %-12s %s\n", info.id.c_str(), info.description.c_str());
        text += line;
    }
    return text;
}
}  // namespace

int main(int argc, char** argv)
{
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        std::fputs(usage().c_str(), args.empty() ? stderr : stdout);
        return args.empty() ? 2 : 0;
    }
    const std::string cmd = args[0];
    args.erase(args.begin());
    if (const std::string problem = dwmtj::core::kernelEnvironmentProblem(); !problem.empty()) {
        std::fprintf(stderr, "dwmtj: %s\n", problem.c_str());
        return 2;
    }
    if (const std::string problem = dwmtj::core::kernelCalibrationProblem(); !problem.empty())
        std::fprintf(stderr, "dwmtj: warning: %s\n", problem.c_str());
    try {
        if (cmd == "fit") return dwmtj::cli::runFit(args);
        if (cmd == "energy") return dwmtj::cli::runEnergy(args);
        if (cmd == "simulate-device") return dwmtj::cli::runSimulateDevice(args);
        if (cmd == "spread") return dwmtj::cli::runSpread(args);
        if (cmd == "train") return dwmtj::cli::runTrain(args);
        if (cmd == "noise") return dwmtj::cli::runNoise(args);
        if (cmd == "variability") return dwmtj::cli::runVariability(args);
        if (cmd == "robustness") return dwmtj::cli::runRobustness(args);
        if (cmd == "bench") return dwmtj::cli::runBench(args);
        if (cmd == "sweep") return dwmtj::cli::runSweep(args);
#ifdef DWMTJ_HAVE_UI
        if (cmd == "reproduce") return dwmtj::cli::runReproduce(args);
#endif
        if (cmd == "version" || cmd == "--version") {
            std::printf("dwmtj %s\n", dwmtj::core::version());
            return 0;
        }
        std::fprintf(stderr, "dwmtj: unknown command '%s'\n\n%s", cmd.c_str(), usage().c_str());
        return 2;
    } catch (const dwmtj::cli::UsageError& e) {
        std::fprintf(stderr, "dwmtj %s: %s\n(see dwmtj --help)\n", cmd.c_str(), e.what());
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "dwmtj %s: error: %s\n", cmd.c_str(), e.what());
        return 1;
    }
}
