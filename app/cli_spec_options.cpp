// Option groups that several commands share (cli_spec.h), and the lookups over the table.
#include <stdexcept>

#include "cli_spec.h"

namespace dwmtj::cli {

std::vector<OptionSpec> constructionOptions()
{
    // The keys are core::constructionKeys() with '-' for '_' (readConstruction); the CLI test
    // checks that each of them is declared here.
    return {
        {"device-gradient", "straight-through|none", "straight-through",
         "what the DW-MTJ layers pass backwards; none: nothing, so the layers below keep their "
         "initial weights (the released code)"},
        {"bn-placement", "before|after", "before", "BatchNorm before or after the neuron"},
        {"bn-statistics", "sequence|per-step", "sequence",
         "BatchNorm statistics over all T x B rows, or per time step (the released code)"},
        {"input", "pixel|standardized", "pixel",
         "pixels in [0, 1], or (x - 0.1307) / 0.3081 with the spike probability clamp(x, 0, 1)"},
        {"init", "default|xavier", "default",
         "LibTorch's initialization, or Xavier-uniform weights and zero biases"},
        {"freeze", "none|1|2|1,2", "none", "hidden layers whose weights are not trained"},
        {"sampling", "stochastic|deterministic", "stochastic",
         "DW-MTJ neurons draw their switching, or fire when p >= 0.5"},
    };
}

std::vector<OptionSpec> slurmOptions()
{
    return {
        {"partition", "P", "", "the Slurm partition"},
        {"account", "A", "", "the Slurm account"},
        {"time", "HH:MM:SS", "", "time limit of each array task (default: the sweep's estimate)"},
        {"cpus-per-task", "C", "2", "CPUs of each array task"},
        {"mem", "M", "", "memory of each array task (sbatch --mem)"},
        {"gres", "G", "", "generic resources of each array task (gpu:1)"},
        {"max-parallel", "K", "0", "at most K array tasks at once (0: no limit)"},
        {"collect-cpus", "C", "",
         "CPUs of the collect job (default: --cpus-per-task; reproduce runs its noise and "
         "robustness studies there)"},
        {"collect-time", "HH:MM:SS", "", "time limit of the collect job (default: --time)"},
        {"sbatch-arg", "ARG", "", "one more #SBATCH line (repeatable)", true},
        {"dry-run", "", "", "write the scripts and print the sbatch commands, submit nothing"},
    };
}

const CommandSpec& commandSpec(const std::string& name)
{
    for (const CommandSpec& c : commandSpecs())
        if (c.name == name) return c;
    throw std::logic_error("dwmtj: no command spec called '" + name + "'");
}

const CommandSpec* findCommand(const std::vector<std::string>& args)
{
    if (args.empty()) return nullptr;
    const CommandSpec* best = nullptr;
    for (const CommandSpec& c : commandSpecs()) {
        if (args.size() > 1 && c.name == args[0] + " " + args[1]) return &c;
        if (c.name == args[0]) best = &c;
    }
    return best;
}

const OptionSpec* findOption(const CommandSpec& c, const std::string& name)
{
    for (const OptionSpec& o : c.options)
        if (o.name == name) return &o;
    return nullptr;
}

}  // namespace dwmtj::cli
