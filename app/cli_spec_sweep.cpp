// The sweep commands, reproduce, help and version in the one declaration of dwmtj's commands
// (cli_spec.h; the others are in cli_spec_table.cpp).
#include "cli_commands.h"
#include "cli_spec.h"

namespace dwmtj::cli {

std::vector<CommandSpec> sweepCommands()
{
    const OptionSpec json{"json", "", "", "print the result as JSON"};
    const OptionSpec out{"out", "DIR", "", "the sweep folder (created; a second run resumes)"};
    std::vector<OptionSpec> submit{out};
    for (auto& o : slurmOptions()) submit.push_back(o);
    std::vector<OptionSpec> reproduce{
        {"out", "DIR", "", "the reproduction folder (run again to continue)"},
        {"scale", "smoke|quick|paper", "quick",
         "smoke: a minute on the sample; quick: about 2 hours on 2 cores; paper: the protocol"},
        {"presets", "NAME|FILE", "",
         "the experiments (default: resources/paper-experiments.ini; paper-as-released, "
         "why-resilient)"},
        {"lut-binary", "FILE", "", "the binary device's lookup table (default: the bundled)"},
        {"lut-multistate", "FILE", "", "the multi-weight device's table (default: the bundled)"},
        {"device", "cpu|cuda", "cpu", "where to train"},
        {"data-dir", "DIR", "", "the Fashion-MNIST folder"},
        {"threads", "N", "0", "CPU threads (0: every core)"},
        {"seeds-until-decided", "MAX", "0",
         "add seeds to the jobs whose claims are undecided, up to MAX per job (0: never)"},
        {"jobs", "N", "0", "train as a sweep here, N tasks at a time (0: one after another)"},
        {"slurm", "", "", "train as a Slurm array job whose collect job runs this command again"},
        {"design", "small|cluster|FILE", "",
         "beyond the paper: then run this design study in OUT/design and report where the "
         "paper's measured devices sit on its front (not with --slurm: run dwmtj design "
         "--slurm)"},
    };
    for (auto& o : slurmOptions()) reproduce.push_back(o);
    std::vector<OptionSpec> design{
        {"out", "DIR", "", "the design folder (run again to continue)"},
        {"preset", "small|cluster|FILE", "",
         "the design (default: the one DIR was prepared with); small: about 27 minutes on 2 "
         "cores"},
        {"jobs", "N", "1", "train N networks at a time here"},
        {"threads", "N", "0", "CPU threads of the chip evaluation (0: every core)"},
        {"slurm", "", "", "train as a Slurm array job whose collect job runs this command again"},
        {"report", "", "", "only print the saved result (no training or evaluation)"},
        {"accuracy", "A", "", "the spec's clean accuracy, percent (default: the design's)"},
        {"robustness", "R", "", "the spec's chance-corrected AUC, 0 to 1 (default: the design's)"},
        json,
    };
    for (auto& o : slurmOptions()) design.push_back(o);
    return {
        {"sweep plan",
         "FILE --out DIR",
         "list a sweep file's tasks and their cost",
         "A sweep file (docs/sweeps.md) is a grid of training configurations x seeds; plan lists "
         "its tasks with the estimated core-hours.",
         {out, json},
         runSweep},
        {"sweep run",
         "FILE --out DIR",
         "run a sweep's tasks here, N at a time",
         "Runs the incomplete tasks as child processes, N at a time; Ctrl+C stops them (exit 3) "
         "and the same command resumes the unfinished ones. With --seeds-until-decided, the "
         "sweep's [compare NAME] sections are evaluated after the tasks and, while one is "
         "undecided, its two configurations get one more seed each (docs/sweeps.md, "
         "\"Comparisons\").",
         {out,
          {"jobs", "N", "1", "tasks at a time"},
          {"seeds-until-decided", "MAX", "0",
           "add seeds to the configurations of undecided comparisons, up to MAX networks each "
           "(0: never)"}},
         runSweep},
        {"sweep submit", "FILE --out DIR",
         "submit a sweep as a Slurm array job with a collect job after it",
         "Writes DIR/slurm/array.sbatch and collect.sbatch and submits them. The nodes start "
         "dwmtj through the launcher (DWMTJ_LAUNCHER, else dwmtj-launch next to the program): "
         "install the .deb on every node or use a shared prefix (docs/cluster.md). Without "
         "sbatch on PATH nothing is submitted and the command exits 1 (--dry-run: 0).",
         submit, runSweep},
        {"sweep status",
         "DIR",
         "each task's state (and Slurm's, when a submission is recorded)",
         "",
         {json},
         runSweep},
        {"sweep collect",
         "DIR",
         "merge the tasks' files into one experiment file per configuration",
         "Writes DIR/results/<configuration>.h5; tasks without a file yet are listed (exit 1).",
         {},
         runSweep},
        {"sweep from-presets",
         "--out FILE.sweep",
         "the reproduction's experiments as a sweep file",
         "Writes a sweep file with the presets' experiments at a scale: the same configurations "
         "dwmtj reproduce trains.",
         {
             {"out", "FILE.sweep", "", "the sweep file to write"},
             {"experiments", "A,B", "", "only these experiments (default: all)"},
             {"scale", "smoke|quick|paper", "paper", "the scale"},
             {"presets", "NAME|FILE", "", "the experiments file (default: the paper's)"},
             {"noise", "", "", "each task also runs the presets' noise study after training"},
             {"name", "NAME", "", "the sweep's name (default: from the presets)"},
         },
         runSweep},
        {"sweep compare",
         "DIR",
         "the sweep's declared comparisons on its collected results",
         "Each [compare NAME] section: a - b on its measure with the 95 % interval over seeds "
         "and test images, p adjusted (Holm within the sweep, times the looks of "
         "--seeds-until-decided), the minimum detectable effect and the verdict. Run sweep "
         "collect first.",
         {json},
         runSweep},
        {"sweep task",
         "DIR --index N",
         "run one task of a sweep folder (what sweep run and the array job call)",
         "",
         {{"index", "N", "", "the task's index"}},
         runSweep,
         true},
        {"reproduce", "--out DIR", "the paper's experiments, figures and a claims report",
         "Trains the paper's networks at a scale, runs the noise, robustness and variability "
         "studies, draws the figures (PNG, SVG, CSV) and writes a claims report (Markdown, "
         "HTML) with each claim's estimate, 95 % CI and verdict (docs/reproducing.md). Run it "
         "again to continue an interrupted reproduction.",
         reproduce,
#ifdef DWMTJ_HAVE_UI
         runReproduce
#else
         nullptr
#endif
        },
        {"design", "--out DIR --preset small|cluster|FILE",
         "what device to build: the Pareto front of device designs and the loosest spec",
         "Trains DW-MTJ networks on synthetic devices along the design's axes (binary: switching "
         "width relative to the operating point, floor, ceiling; multi-weight: notches, their "
         "spacing and width), tests them as chips at each "
         "device-to-device and cycle-to-cycle spread, and recomputes the energy at each pulse "
         "width and track resistance. Writes DIR/design.h5 and design.csv: per point the clean "
         "accuracy, the chance-corrected noise AUC and the energy per correct inference, each "
         "with its 95 % CI, the Pareto front, and the loosest device that meets the spec "
         "(docs/models.md, \"Designing the device\"). Measured devices (the small preset: the "
         "paper's two) are placed among the designs; hardware-aware networks are compared with "
         "the nominal ones on the same chips. Run it again to continue; --slurm trains on a "
         "cluster.",
         design, runDesign},
        {"help",
         "[COMMAND]",
         "help on one command, or the reference in other formats",
         "dwmtj help COMMAND is dwmtj COMMAND --help. The other forms print what the build "
         "installs and docs/cli.md holds, all generated from the same declaration.",
         {
             {"markdown", "", "", "the reference as Markdown (docs/cli.md)"},
             {"man", "", "", "the man page dwmtj.1"},
             {"bash-completion", "", "", "the bash completion script"},
         },
         nullptr},
        {"version", "", "print the version (also --version anywhere)", "", {}, nullptr},
    };
}

}  // namespace dwmtj::cli
