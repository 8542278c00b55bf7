// Every help text of dwmtj, generated from the command declaration (cli_spec.h): plain text
// for --help, Markdown for docs/cli.md, troff for the man page, and the bash completion.
#include <algorithm>
#include <sstream>

#include "cli_spec.h"

namespace dwmtj::cli {
namespace {

constexpr std::size_t kWidth = 80;

/// `prefix` then `text` wrapped at kWidth, the lines after the first indented by `indent`
/// spaces (a hanging indent when the prefix is as wide). Paragraphs ("\n\n") stay apart, the
/// later ones indented too.
std::string wrap(const std::string& prefix, const std::string& text, std::size_t indent)
{
    std::string out, line = prefix;
    std::size_t para = 0;
    while (true) {
        std::size_t end = text.find("\n\n", para);
        if (end == std::string::npos) end = text.size();
        std::istringstream words(text.substr(para, end - para));
        std::size_t lineStart = line.size();
        for (std::string word; words >> word;) {
            if (line.size() > lineStart && line.size() + 1 + word.size() > kWidth) {
                out += line + "\n";
                line.assign(indent, ' ');
                lineStart = indent;
            }
            line += (line.size() > lineStart ? " " : "") + word;
        }
        out += line + "\n";
        if (end >= text.size()) break;
        out += "\n";
        line.assign(indent, ' ');
        para = end + 2;
    }
    return out;
}

/// A two-column entry: `left` padded to `column`, or on its own line when wider.
std::string entry(const std::string& left, const std::string& text, std::size_t column)
{
    if (left.size() + 2 > column) return left + "\n" + wrap(std::string(column, ' '), text, column);
    std::string prefix = left;
    prefix.resize(column, ' ');
    return wrap(prefix, text, column);
}

std::string optionLeft(const OptionSpec& o)
{
    return "--" + o.name + (o.argument.empty() ? "" : " " + o.argument);
}

std::string optionHelp(const OptionSpec& o)
{
    return o.help + (o.def.empty() ? "" : " (default " + o.def + ")");
}

std::string usageLine(const CommandSpec& c)
{
    std::string u = "dwmtj " + c.name;
    if (!c.synopsis.empty()) u += " " + c.synopsis;
    if (!c.options.empty()) u += " [options]";
    return u;
}

std::vector<const CommandSpec*> listed()
{
    std::vector<const CommandSpec*> v;
    for (const CommandSpec& c : commandSpecs())
        if (!c.internal && (c.run || c.name == "help" || c.name == "version")) v.push_back(&c);
    return v;
}

struct Env {
    const char* name;
    const char* help;
};
const Env kEnvironment[] = {
    {"DWMTJ_THREADS", "CPU threads when --threads is 0 (the launcher sets every core)"},
    {"DWMTJ_DATASETS_DIR", "where the bundled example devices and the sample are"},
    {"DWMTJ_RESOURCES_DIR", "where the presets and study files are"},
    {"DWMTJ_LAUNCHER", "how Slurm nodes start dwmtj (default: dwmtj-launch next to it)"},
    {"DWMTJ_KERNELS", "auto|dense|event: force one kind of linear-layer kernel"},
    {"DWMTJ_KERNELS_CALIBRATION", "FILE|none: the crossovers of bench --calibrate"},
    {"OPENBLAS_CORETYPE", "the BLAS kernel (the launcher chooses it from the CPU)"},
};

/// troff: a leading dot or quote would be a request; backslashes escape.
std::string roff(const std::string& s)
{
    std::string o;
    for (char ch : s) {
        if (ch == '\\')
            o += "\\e";
        else if (ch == '-')
            o += "\\-";
        else
            o += ch;
    }
    if (!o.empty() && (o[0] == '.' || o[0] == '\'')) o = "\\&" + o;
    return o;
}

}  // namespace

std::string twoColumns(const std::string& left, const std::string& text, std::size_t column)
{
    return entry(left, text, column);
}

std::string exitCodesText()
{
    return "0 success; 1 bad input or a failed fit or run (the message names the file, the line "
           "or HDF5 path, what was expected and what was found); 2 usage error; 3 stopped by "
           "Ctrl+C or SIGTERM (train, noise, robustness, reproduce, sweep run: what was "
           "finished is kept and the same command continues).";
}

std::string overviewText()
{
    std::string t =
        "usage: dwmtj COMMAND [options]      dwmtj COMMAND --help: its options\n\n"
        "commands:\n";
    for (const CommandSpec* c : listed()) {
        t += entry("  " + c->name + (c->synopsis.empty() ? "" : " " + c->synopsis), c->summary, 32);
    }
    t += "\nexit codes:\n" + wrap("  ", exitCodesText(), 2);
    t += "\nenvironment:\n";
    for (const Env& e : kEnvironment) t += entry(std::string("  ") + e.name, e.help, 30);
    return t;
}

std::string commandHelpText(const CommandSpec& c)
{
    std::string t = "usage: " + usageLine(c) + "\n\n" + wrap("", c.summary, 0);
    if (!c.description.empty()) t += "\n" + wrap("", c.description, 0);
    if (!c.options.empty()) {
        t += "\noptions:\n";
        for (const OptionSpec& o : c.options) t += entry("  " + optionLeft(o), optionHelp(o), 30);
    }
    t += "\nexit codes: " + std::string("0 success, 1 error, 2 usage, 3 stopped (dwmtj --help)\n");
    return t;
}

std::string markdownReference()
{
    std::string t =
        "Every command, generated from the declaration of its options "
        "(`dwmtj help --markdown`; `dwmtj COMMAND --help` prints the same).\n\n";
    for (const CommandSpec* c : listed()) {
        t += "### `" + usageLine(*c) + "`\n\n" + c->summary + ".";
        if (!c->description.empty()) {
            std::string d = c->description;
            t += " " + d;
        }
        t += "\n\n";
        if (!c->options.empty()) {
            t += "| option | meaning | default |\n|---|---|---|\n";
            for (const OptionSpec& o : c->options) {
                std::string help = o.help;
                std::replace(help.begin(), help.end(), '|', '/');
                t += "| `" + optionLeft(o) + "` | " + help + " | " +
                     (o.def.empty() ? "" : "`" + o.def + "`") + " |\n";
            }
            t += "\n";
        }
    }
    t += "### Exit codes\n\n" + exitCodesText() + "\n\n### Environment\n\n";
    for (const Env& e : kEnvironment) t += "- `" + std::string(e.name) + "`: " + e.help + "\n";
    return t;
}

std::string manPage(const std::string& version)
{
    std::string t = ".TH DWMTJ 1 \"\" \"dwmtj " + version + "\" \"DW-MTJ Workbench\"\n";
    t += ".SH NAME\ndwmtj \\- stochastic domain-wall MTJ neurons: device fits, spiking networks, "
         "noise robustness\n";
    t += ".SH SYNOPSIS\n.B dwmtj\n.I COMMAND\n[options]\n";
    t += ".SH DESCRIPTION\nThe command line of DW-MTJ Workbench (the graphical workbench is\n"
         ".BR dwmtj\\-workbench ).\nEvery command prints its options with\n.BR \"dwmtj COMMAND "
         "\\-\\-help\" .\n";
    t += ".SH COMMANDS\n";
    for (const CommandSpec* c : listed()) {
        t += ".SS \"" + roff(usageLine(*c)) + "\"\n" + roff(c->summary) + ".\n";
        std::size_t p = 0;
        const std::string& d = c->description;
        while (p < d.size()) {
            std::size_t e = d.find("\n\n", p);
            if (e == std::string::npos) e = d.size();
            t += ".PP\n" + roff(d.substr(p, e - p)) + "\n";
            p = e + 2;
        }
        for (const OptionSpec& o : c->options)
            t += ".TP\n.B " + roff(optionLeft(o)) + "\n" + roff(optionHelp(o)) + "\n";
    }
    t += ".SH EXIT STATUS\n" + roff(exitCodesText()) + "\n.SH ENVIRONMENT\n";
    for (const Env& e : kEnvironment)
        t += ".TP\n.B " + std::string(e.name) + "\n" + roff(e.help) + "\n";
    t += ".SH SEE ALSO\n/usr/share/doc/dwmtj-workbench/README.md\n";
    return t;
}

std::string bashCompletion()
{
    std::string commands, subs, cases;
    for (const CommandSpec& c : commandSpecs()) {
        const auto space = c.name.find(' ');
        const std::string first = c.name.substr(0, space);
        if ((" " + commands).find(" " + first + " ") == std::string::npos) commands += first + " ";
        if (space != std::string::npos && !c.internal) subs += c.name.substr(space + 1) + " ";
        std::string opts = "--help ";
        for (const OptionSpec& o : c.options) opts += "--" + o.name + " ";
        cases += "    \"" + c.name + "\") opts=\"" + opts + "\" ;;\n";
    }
    return "# bash completion for dwmtj (generated: dwmtj help --bash-completion)\n"
           "_dwmtj() {\n"
           "  local cur=${COMP_WORDS[COMP_CWORD]} cmd=${COMP_WORDS[1]:-} opts\n"
           "  if [ \"$COMP_CWORD\" -eq 1 ]; then\n"
           "    COMPREPLY=($(compgen -W \"" +
           commands +
           "--help --version\" -- \"$cur\")); return\n"
           "  fi\n"
           "  if [ \"$cmd\" = sweep ]; then\n"
           "    if [ \"$COMP_CWORD\" -eq 2 ]; then\n"
           "      COMPREPLY=($(compgen -W \"" +
           subs +
           "\" -- \"$cur\")); return\n"
           "    fi\n"
           "    cmd=\"sweep ${COMP_WORDS[2]}\"\n"
           "  fi\n"
           "  case \"$cmd\" in\n" +
           cases +
           "    *) opts=\"--help\" ;;\n"
           "  esac\n"
           "  if [[ $cur == -* ]]; then\n"
           "    COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
           "  else\n"
           "    COMPREPLY=($(compgen -f -- \"$cur\"))\n"
           "  fi\n"
           "}\n"
           "complete -o filenames -F _dwmtj dwmtj\n";
}

}  // namespace dwmtj::cli
