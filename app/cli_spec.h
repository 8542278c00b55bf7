#pragma once
// The one declaration of every dwmtj command and its options (cli_spec_*.cpp). The parser
// (Args), `dwmtj --help`, `dwmtj CMD --help`, docs/cli.md's reference, the man page dwmtj.1
// and the bash completion are all generated from it (cli_help.cpp).
#include <string>
#include <vector>

namespace dwmtj::cli {

struct OptionSpec {
    std::string name;         ///< without the dashes: "hidden"
    std::string argument;     ///< what the value is ("N", "FILE"); empty for a flag
    std::string def;          ///< the default as the code uses it ("500"); empty when there is none
    std::string help;         ///< one sentence or two; the default is appended when def is set
    bool repeatable = false;  ///< may be given more than once (Args::all)
};

using CommandFn = int (*)(const std::vector<std::string>&);

struct CommandSpec {
    std::string name;         ///< "fit", or "sweep plan" for a subcommand
    std::string synopsis;     ///< the positionals and required options: "FILE", "--out RUN.h5"
    std::string summary;      ///< one line for the command list
    std::string description;  ///< paragraphs ("\n\n" between them) for --help, man, docs
    std::vector<OptionSpec> options;
    CommandFn run = nullptr;  ///< null: not in this build (reproduce needs the workbench)
    bool internal = false;    ///< run by the tool itself (sweep task): not listed
};

/// Every command, in the order of `dwmtj --help`.
const std::vector<CommandSpec>& commandSpecs();
/// The command called `name` ("fit", "sweep plan"); std::logic_error when there is none
/// (a programming error: every command's parser asks for its own spec).
const CommandSpec& commandSpec(const std::string& name);
/// The command whose name the arguments start with ("sweep", "plan", ... -> "sweep plan"),
/// or null.
const CommandSpec* findCommand(const std::vector<std::string>& args);
/// The option of `c` called `name` (without dashes), or null.
const OptionSpec* findOption(const CommandSpec& c, const std::string& name);

// Shared option groups (cli_spec_options.cpp).
std::vector<OptionSpec> constructionOptions();  ///< --device-gradient ... --sampling
std::vector<OptionSpec> slurmOptions();         ///< sweep submit's and reproduce --slurm's

/// The command list with each one-line summary (`dwmtj --help`, without the neuron kinds).
std::string overviewText();
/// `dwmtj CMD --help`.
std::string commandHelpText(const CommandSpec& c);
/// docs/cli.md's reference section, as Markdown.
std::string markdownReference();
/// The man page dwmtj.1 (troff, man macros).
std::string manPage(const std::string& version);
/// A bash completion script (complete -F) for commands, subcommands and options.
std::string bashCompletion();

/// `left` padded to `column`, then `text` wrapped at 80 columns with a hanging indent.
std::string twoColumns(const std::string& left, const std::string& text, std::size_t column);

/// The exit codes every command uses (the same text in every generated document).
std::string exitCodesText();

}  // namespace dwmtj::cli
