// The commands of dwmtj and their options: the one declaration (cli_spec.h) that the parser,
// every help text, docs/cli.md, the man page and the bash completion come from. A default
// here is the one the code uses: with DWMTJ_CHECK_CLI_DEFAULTS=1 (the CLI tests) Args fails
// when the code falls back to anything else.
#include "cli_commands.h"
#include "cli_spec.h"

namespace dwmtj::cli {
namespace {

std::vector<OptionSpec> operator+(std::vector<OptionSpec> a, const std::vector<OptionSpec>& b)
{
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

const OptionSpec kJson{"json", "", "", "print the result as JSON"};
const OptionSpec kDataDir{"data-dir", "DIR", "",
                          "the Fashion-MNIST folder (default: the run's, else "
                          "/usr/share/datasets/fashion-mnist)"};
const OptionSpec kThreads{"threads", "N", "0", "CPU threads (0: every core)"};
const OptionSpec kTestLimit{"test-limit", "N", "",
                            "the first N test images (default: the run's own limit; 0: all)"};
const OptionSpec kEvalBatch{"batch", "N", "500", "images per evaluation batch"};
const OptionSpec kEvalDevice{"device", "cpu|cuda", "", "where to evaluate (default: the run's)"};
/// What every evaluation of trained networks on drawn devices takes (evaluationOptions()).
const std::vector<OptionSpec> kDeviceEvaluation{
    {"seed", "N", "4321", "device and spike draws (spikes only for plan-measurements)"},
    kDataDir,
    kTestLimit,
    kThreads,
    kEvalBatch,
    kJson};

std::vector<CommandSpec> deviceCommands()
{
    return {
        {"fit",
         "FILE",
         "fit the switching curve of one device file, optionally write a lookup table",
         "Reads the device file (CSV, TSV, NumPy or HDF5 in any of the shapes of "
         "docs/file-formats.md), prints the per-voltage table (switches, trials, MLE p, 95 % "
         "Wilson interval) and the fit report: parameters with standard errors and 95 % "
         "intervals, convergence, log-likelihood, AIC, deviance and Pearson chi^2; with --form 4 "
         "the likelihood-ratio test of a floor and ceiling; for a multi-weight device the test "
         "of a common width.\n\n"
         "A fit that does not converge, or whose V50 or width lies far outside the measured "
         "voltages, is not a result: exit 1 with the reason and no table.\n\n"
         "A current-driven device (a drive column in A, mA, uA or nA, or named current): the "
         "report reads I50 and p(I) in mA or uA, the table and --json hold amperes, and every "
         "voltage option below takes amperes.",
         {
             {"model", "binary|multistate", "", "the device model (default: the file's kind)"},
             {"form", "2|4", "2", "2: sigmoid in V50 and width; 4: with floor and ceiling"},
             {"exclude", "V1,V2", "", "leave these voltages out of the fit"},
             {"fit-range", "A:B", "", "fit only the voltages in [A, B] (V; A for a current drive)"},
             {"direction", "p-ap|ap-p|auto", "auto",
              "which resistance change counts as a switch in traces"},
             {"states", "K", "0", "states of a multi-weight device (0: from the file)"},
             {"columns", "ROLE=COLUMN,...", "",
              "text tables: which column holds what, over the header names; COLUMN is a header "
              "or a 1-based number; roles: voltage, current (a current drive, A unless the header "
              "gives a unit), cycle, pulse, resistance, pulses_to_switch, censored, switches, "
              "trials, probability, state, ignored"},
             {"lut", "OUT.{csv,h5}", "", "also write a lookup table"},
             {"grid", "N", "1024", "points of the lookup table"},
             {"range", "A:B", "",
              "voltage range of the table (default: the measured range widened to V50 +/- 6 w)"},
             {"source", "fit|empirical", "fit", "the table from the fitted curve or the data"},
             {"common-width", "", "", "multi-weight: one width for every notch"},
             kJson,
         },
         runFit},
        {"energy",
         "",
         "energy of one DW-MTJ device sample",
         "The energy of one write pulse through the device (docs/models.md, \"Energy\"): track "
         "voltage and current from the two resistances, power, and energy over the pulse and "
         "half of its rise and fall. The defaults are the paper's (44.68 pJ). A current-driven "
         "device (--current): E = I^2 R4 t_eff.",
         {
             {"voltage", "V", "1.8", "pulse amplitude (V)"},
             {"current", "A", "",
              "pulse current (A) of a current-driven device, instead of --voltage"},
             {"r2", "OHM", "1029", "two-point resistance (ohm)"},
             {"r4", "OHM", "365", "four-point (track) resistance (ohm)"},
             {"pulse-ns", "NS", "30", "pulse width (ns)"},
             {"rise-fall-ns", "NS", "10", "rise plus fall time (ns)"},
             kJson,
         },
         runEnergy},
        {"simulate-device",
         "--out FILE.{csv,h5}",
         "synthetic raw device data from a known ground truth",
         "Writes device data drawn from a known switching curve: to try the tools, and to test "
         "that a fit recovers what was put in.",
         {
             {"out", "FILE.{csv,h5}", "", "the file to write"},
             {"kind", "binary|multistate", "binary", "the device"},
             {"shape", "traces|events|counts", "traces", "binary CSV: the data's shape"},
             {"seed", "N", "1", "random seed"},
             {"v50", "V", "1.8", "binary: voltage of 50 % switching"},
             {"width", "V", "0.1", "binary: logistic width w (10-90 % width 4.39 w)"},
             {"cycles", "N", "", "cycles per voltage (default 15 binary, 10 multi-weight)"},
             {"cap", "N", "100", "binary: pulses per cycle before a cycle is censored"},
             {"noise", "OHM", "25", "binary traces: read noise (ohm)"},
         },
         runSimulateDevice},
        {"spread",
         "FILE|DIR...",
         "device-to-device spread of threshold and width over many device files",
         "Fits every device file given (a folder stands for its device files) and prints the "
         "spread of V50 and width across the devices: observed, the fits' own errors, and "
         "device to device without them, ending with the matching --v50-sd and --width-sd "
         "options of train. Exit 1 with fewer than two fitted devices.",
         {kJson},
         runSpread},
    };
}

std::vector<CommandSpec> trainingCommands()
{
    const std::vector<OptionSpec> train{
        {"out", "RUN.h5", "", "the experiment file (rewritten atomically after every epoch)"},
        {"resume", "RUN.h5", "",
         "continue the unfinished runs of this file, or extend finished ones to --epochs"},
        {"neuron", "KIND", "lif", "the neuron kind of every hidden layer"},
        {"neurons", "KIND1,KIND2", "", "one kind per hidden layer (a hybrid network)"},
        {"hidden", "N", "500", "units per hidden layer"},
        {"timesteps", "T", "80", "time steps per image"},
        {"epochs", "N", "10", "epochs (with --resume: the new total; default the file's)"},
        {"seeds", "LIST", "0", "one network per seed: 0-4 or 0,2,7"},
        {"batch", "N", "100", "images per training batch"},
        {"lr", "RATE", "0.001", "Adam learning rate"},
        {"lut", "FILE", "", "the DW-MTJ lookup table (default: the bundled example device)"},
        {"gain", "V", "", "volts per unit of neuron input (default: the table's)"},
        {"centre", "V", "", "operating-point voltage (default: the table's)"},
        {"lut2", "FILE", "", "hidden layer 2's own device (else --lut)"},
        {"gain2", "V", "", "hidden layer 2's gain (else --gain)"},
        {"centre2", "V", "", "hidden layer 2's operating point (else --centre)"},
        {"device", "cpu|cuda|auto", "cpu", "where to train"},
        kThreads,
        {"data-dir", "DIR", "",
         "the Fashion-MNIST folder (default: /usr/share/datasets/fashion-mnist)"},
        {"train-limit", "N", "0", "the first N training images (0: all)"},
        {"test-limit", "N", "0", "the first N test images (0: all)"},
        {"validation", "N", "10000",
         "training images held out for validation (0: none; the last epoch is tested)"},
        {"train-noise", "SIGMA", "0", "Gaussian pixel noise on the training images"},
        {"v50-sd", "V", "0", "device-to-device sd of every neuron's V50"},
        {"width-sd", "REL", "0", "device-to-device relative sd of the width"},
        {"c2c-sd", "V", "0", "cycle-to-cycle jitter of V50 (sd)"},
        {"stuck", "F", "0", "fraction of stuck devices, half off and half on"},
        {"stuck-off", "F", "", "fraction stuck off (never switch; default --stuck / 2)"},
        {"stuck-on", "F", "", "fraction stuck on (always switch; default --stuck / 2)"},
        {"device-seed", "N", "0", "seed of the device draw"},
        {"variability-in", "training|evaluation", "evaluation",
         "train on the drawn devices (hardware-aware), or on the nominal device and test on "
         "them"},
        {"r2", "OHM", "1029", "energy model: the device's two-point resistance (ohm)"},
        {"r4", "OHM", "365", "energy model: the four-point (track) resistance (ohm)"},
        {"pulse-ns", "NS", "30", "energy model: the write pulse (ns)"},
        {"rise-fall-ns", "NS", "10", "energy model: rise plus fall time (ns)"},
        {"tf32", "", "", "CUDA: matrix products in TF32"},
        {"no-cuda-graphs", "", "", "CUDA: launch every kernel, no graph replay"},
    };
    const std::vector<OptionSpec> bench{
        {"neuron", "KIND", "lif", "the neuron kind"},
        {"hidden", "N", "500", "units per hidden layer"},
        {"timesteps", "T", "80", "time steps per image"},
        {"batch", "N", "100", "images per batch"},
        {"steps", "N", "10", "timed training steps"},
        {"warmup", "N", "2", "untimed steps first"},
        kThreads,
        {"device", "cpu|cuda", "cpu", "where to run"},
        {"lut", "FILE", "", "the DW-MTJ lookup table (default: the bundled example)"},
        {"no-layers", "", "", "skip the per-layer kernel timings"},
        {"variability", "", "", "also time the device layer with every neuron its own device"},
        {"calibrate", "", "",
         "measure only the dense/event crossovers and keep them for later runs "
         "(~/.config/dwmtj/kernels.ini)"},
        {"tf32", "", "", "CUDA: matrix products in TF32"},
        kJson,
    };
    return {
        {"train", "--neuron KIND --out RUN.h5 | --resume RUN.h5",
         "train the spiking network on Fashion-MNIST",
         "Trains one network per seed (784-H-H-10, the paper's architecture) and shows a "
         "progress line, one line per epoch and a final table: status, best epoch, best "
         "validation accuracy, test accuracy of the best checkpoint, device energy per image. "
         "Ctrl+C or SIGTERM stops after the batch in flight and keeps the file (exit 3); the "
         "same command with --resume continues.\n\n"
         "With a spread (--v50-sd, --width-sd, --c2c-sd, --stuck) every DW-MTJ neuron is its "
         "own device, drawn once per run. The paper's code as released: --neuron "
         "binary-released|multistate-released --device-gradient none --bn-placement after "
         "--bn-statistics per-step --input standardized --init xavier.",
         train + constructionOptions(), runTrain},
        {"noise",
         "RUN.h5",
         "test accuracy under Gaussian input noise",
         "Evaluates each run's best checkpoint on the test set with Gaussian noise on the "
         "images, prints the curves and the primary endpoint (chance-corrected AUC and sigma50 "
         "with 95 % CIs, docs/models.md), and adds the curves and the energy per inference to "
         "the file.",
         {
             {"sigma", "FROM:TO:STEP|LIST", "", "noise levels (default 0:3:0.1)"},
             {"units", "pixel|standardized", "pixel",
              "sigma in pixel units or in the standardized input's"},
             {"seed", "N", "1234", "noise and spike draws"},
             kTestLimit,
             kDataDir,
             kThreads,
             kEvalDevice,
             kEvalBatch,
             kJson,
         },
         runNoise},
        {"variability", "RUN.h5", "test accuracy with every DW-MTJ neuron its own device",
         "Tests each run's best checkpoint with the device layers' neurons drawn as individual "
         "devices: one curve per spread option, --draws draws per level, stored in the file. "
         "--bootstrap N tests it with N lookup tables rebuilt from the measured cycles "
         "resampled: the accuracy interval that the measurement leaves.",
         std::vector<OptionSpec>{
             {"v50-sd", "LIST", "", "V50 spreads (V), e.g. 0,0.05,0.1"},
             {"width-sd", "LIST", "", "relative width spreads"},
             {"c2c-sd", "LIST", "", "cycle-to-cycle jitters (V)"},
             {"stuck", "LIST", "", "stuck fractions"},
             {"bootstrap", "N", "0", "also N bootstrapped lookup tables"},
             {"device-data", "FILE", "",
              "the measurements to resample (default: the table's source file)"},
             {"draws", "N", "3", "device draws per level and seed"},
         } + kDeviceEvaluation,
         runVariability},
        {"plan-measurements", "DEVICE RUN.h5",
         "where one more switching cycle most narrows a network's accuracy interval",
         "From a binary device file and a network trained on that device: how the network's "
         "test accuracy moves with the fitted V50 and w (the device layers' tables rebuilt with "
         "each moved by --step-se standard errors, the same spike draws), the accuracy interval "
         "the curve's uncertainty leaves, and the cycles at each voltage that shrink it most for "
         "--budget pulses (docs/models.md, \"Planning measurements\"), next to the same pulses "
         "spread uniformly.",
         std::vector<OptionSpec>{
             {"budget", "N", "1000", "pulses to spend (expected)"},
             {"voltages", "LIST", "",
              "the voltages (or currents, in A) the setup can apply, A:B:STEP or a list "
              "(default: the measured ones)"},
             {"cap", "N", "100", "pulses per cycle before a cycle is given up"},
             {"step-se", "X", "1",
              "the step of the accuracy's central differences, in standard "
              "errors of V50 and w"},
         } + kDeviceEvaluation,
         runPlanMeasurements},
        {"yield", "RUN.h5... --v50-sd S --spec A",
         "the share of chips that meet an accuracy spec, before and after per-chip calibration",
         "Tests each run's best checkpoint as --draws chips, every DW-MTJ neuron a device whose "
         "V50 is shifted by N(0, S): the yield at the spec with its 95 % interval and the "
         "chips' accuracy quantiles. --calibration-pulses K,... also tests the chips after each "
         "neuron's V50 is estimated from K pulses and its operating point retuned, which leaves "
         "a spread of 2 w / sqrt(K) (docs/models.md, \"Chip yield and per-chip calibration\"). "
         "Give a nominally trained and a hardware-aware file to compare the two.",
         std::vector<OptionSpec>{
             {"v50-sd", "S", "", "the chips' device-to-device V50 spread (V)"},
             {"spec", "A", "", "the accuracy a chip must reach (percent)"},
             {"calibration-pulses", "LIST", "", "pulses per neuron for calibration, e.g. 10,100"},
             {"draws", "N", "20", "chips per network"},
         } + kDeviceEvaluation,
         runYield},
        {"robustness",
         "RUN.h5...",
         "the robustness study: which modelling choices decide the noise result",
         "Evaluates every choice of a study (noise model, BatchNorm statistics, time steps and "
         "device gain at inference) on the best checkpoint of every run of every file, adds the "
         "curves to the files and prints per choice each kind's chance-corrected AUC and the "
         "paper's noise claims tested under it (docs/models.md, \"Robustness study\").",
         {
             {"preset", "paper-noise|why-resilient", "paper-noise", "a bundled study"},
             {"study", "FILE", "", "a study file instead of a preset"},
             {"choices", "ID,ID", "", "only these choices of the study"},
             {"seed", "N", "", "noise and spike draws (default: the study's)"},
             kTestLimit,
             {"batch", "N", "", "images per evaluation batch (default: the study's)"},
             kThreads,
             kEvalDevice,
             kDataDir,
             {"summary-only", "", "", "print the table from the curves already in the files"},
             kJson,
         },
         runRobustness},
        {"bench", "", "seconds per training step, per layer kernel, and the dense/event crossover",
         "Times training steps against this machine's GEMM-bound limit and against the same "
         "steps with dense GEMMs only; per linear layer the input spike density and the dense "
         "and event-driven kernels' times; the density below which the event-driven kernels win "
         "(DWMTJ_KERNELS=auto|dense|event).",
         bench + constructionOptions(), runBench},
    };
}

}  // namespace

std::vector<CommandSpec> sweepCommands();  // cli_spec_sweep.cpp

const std::vector<CommandSpec>& commandSpecs()
{
    static const std::vector<CommandSpec> all = [] {
        std::vector<CommandSpec> v = deviceCommands();
        for (auto& c : trainingCommands()) v.push_back(std::move(c));
        for (auto& c : sweepCommands()) v.push_back(std::move(c));
        return v;
    }();
    return all;
}

}  // namespace dwmtj::cli
