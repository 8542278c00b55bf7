#pragma once
// Minimal command-line parsing for the dwmtj CLI: --name value, --flag, positionals.
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli_spec.h"
#include "dwmtj/training_config.h"

namespace dwmtj::cli {

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// The arguments of one command, parsed by its declaration (cli_spec.h): an option the
/// command does not declare is a UsageError. A fallback passed to get/number/integer must be
/// the declared default; with DWMTJ_CHECK_CLI_DEFAULTS=1 in the environment (the CLI tests)
/// a different one is a std::logic_error, so the help never states a default the code does
/// not use.
class Args {
public:
    Args(const std::vector<std::string>& argv, const CommandSpec& spec);
    bool has(const std::string& name) const { return m_values.count(name) || m_flags.count(name); }
    std::string get(const std::string& name, const std::string& fallback) const;
    double number(const std::string& name, double fallback) const;
    long integer(const std::string& name, long fallback) const;
    /// Every value of a repeatable option, in order.
    std::vector<std::string> all(const std::string& name) const;
    const std::vector<std::string>& positionals() const { return m_positionals; }
    const CommandSpec& spec() const { return *m_spec; }

private:
    /// With DWMTJ_CHECK_CLI_DEFAULTS set: the declared default of `name` against `fallback`.
    void checkDefault(const std::string& name, const std::string& fallback, bool numeric) const;

    const CommandSpec* m_spec;
    std::map<std::string, std::string> m_values;
    std::multimap<std::string, std::string> m_repeated;
    std::set<std::string> m_flags;
    std::vector<std::string> m_positionals;
};

/// The network-construction options (--device-gradient, --bn-placement, --bn-statistics,
/// --input, --init, --freeze, --sampling; TrainingConfig) that `train` and `bench` take; a bad
/// value is a UsageError naming the option.
void readConstruction(const Args& a, core::TrainingConfig& c);
/// The option name of construction key `key` ("device_gradient" -> "device-gradient").
std::string constructionOption(const std::string& key);

/// "A:B" -> (A, B); throws UsageError.
void parseRange(const std::string& text, const std::string& option, double& a, double& b);
/// JSON string literal with escapes.
std::string jsonString(const std::string& s);
/// Number as JSON (null for NaN/inf).
std::string jsonNumber(double x);

}  // namespace dwmtj::cli
