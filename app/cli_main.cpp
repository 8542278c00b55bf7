// dwmtj: the command-line interface of DW-MTJ Workbench (links only the core).
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "cli_args.h"
#include "cli_commands.h"
#include "cli_spec.h"
#include "dwmtj/error.h"
#include "dwmtj/neuron_kinds.h"
#include "dwmtj/paths.h"
#include "dwmtj/training.h"

namespace {

/// `dwmtj --help`: the command list (generated, cli_help.cpp) and the neuron kinds.
std::string usage()
{
    std::string text = dwmtj::cli::overviewText();
    text += "\nneuron kinds (KIND; --neurons KIND1,KIND2 sets hidden layer 1 and 2):\n";
    for (const dwmtj::core::NeuronKind k : dwmtj::core::neuronKinds()) {
        const auto& info = dwmtj::core::neuronKindInfo(k);
        text += dwmtj::cli::twoColumns("  " + info.id, info.description, 16);
    }
    return text;
}

bool asks(const std::vector<std::string>& args, std::initializer_list<const char*> names)
{
    for (const auto& a : args)
        for (const char* n : names)
            if (a == n) return true;
    return false;
}

/// `dwmtj help [COMMAND | --markdown | --man | --bash-completion]`.
int help(const std::vector<std::string>& args)
{
    using namespace dwmtj::cli;
    const Args a(args, commandSpec("help"));
    if (a.has("markdown"))
        std::fputs(markdownReference().c_str(), stdout);
    else if (a.has("man"))
        std::fputs(manPage(dwmtj::core::version()).c_str(), stdout);
    else if (a.has("bash-completion"))
        std::fputs(bashCompletion().c_str(), stdout);
    else if (a.positionals().empty())
        std::fputs(usage().c_str(), stdout);
    else {
        const CommandSpec* c = findCommand(a.positionals());
        if (!c) throw UsageError("no command '" + a.positionals()[0] + "'");
        std::fputs(commandHelpText(*c).c_str(), stdout);
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv)
{
    using namespace dwmtj::cli;
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
        std::fputs(usage().c_str(), args.empty() ? stderr : stdout);
        return args.empty() ? 2 : 0;
    }
    if (asks(args, {"--version"}) || (args[0] == "version" && !asks(args, {"--help", "-h"}))) {
        std::printf("dwmtj %s\n", dwmtj::core::version());
        return 0;
    }
    const CommandSpec* command = findCommand(args);
    const std::string cmd = command ? command->name : args[0];
    try {
        if (!command && args[0] == "sweep") {
            std::string list;
            for (const CommandSpec& c : commandSpecs())
                if (c.name.rfind("sweep ", 0) == 0 && !c.internal)
                    list += "  dwmtj " + c.name + " " + c.synopsis + "\n      " + c.summary + "\n";
            if (asks(args, {"--help", "-h"})) {
                std::printf("usage: dwmtj sweep SUBCOMMAND ... (dwmtj sweep SUBCOMMAND --help)\n%s",
                            list.c_str());
                return 0;
            }
            throw UsageError("expected a subcommand:\n" + list);
        }
        if (!command) {
            std::fprintf(stderr, "dwmtj: unknown command '%s'\n\n%s", cmd.c_str(), usage().c_str());
            return 2;
        }
        if (asks(args, {"--help", "-h"})) {
            std::fputs(commandHelpText(*command).c_str(), stdout);
            return 0;
        }
        if (command->name == "help") return help({args.begin() + 1, args.end()});
        if (!command->run)
            throw UsageError("this build has no '" + command->name +
                             "' (it needs the workbench build, with Qt)");
        if (const std::string problem = dwmtj::core::kernelEnvironmentProblem(); !problem.empty()) {
            std::fprintf(stderr, "dwmtj: %s\n", problem.c_str());
            return 2;
        }
        if (const std::string problem = dwmtj::core::kernelCalibrationProblem(); !problem.empty())
            std::fprintf(stderr, "dwmtj: warning: %s\n", problem.c_str());
        // A command gets the arguments after its first word: sweep's subcommand stays.
        return command->run({args.begin() + 1, args.end()});
    } catch (const UsageError& e) {
        std::fprintf(stderr, "dwmtj %s: %s\n(see dwmtj %s --help)\n", cmd.c_str(), e.what(),
                     cmd.c_str());
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "dwmtj %s: error: %s\n", cmd.c_str(), e.what());
        return 1;
    }
}
