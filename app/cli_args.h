#pragma once
// Minimal command-line parsing for the dwmtj CLI: --name value, --flag, positionals.
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "dwmtj/training_config.h"

namespace dwmtj::cli {

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class Args {
public:
    /// `flags` are options without a value; everything else starting with -- takes one.
    Args(const std::vector<std::string>& argv, const std::set<std::string>& flags,
         const std::set<std::string>& valued);
    bool has(const std::string& name) const { return m_values.count(name) || m_flags.count(name); }
    std::string get(const std::string& name, const std::string& fallback) const;
    double number(const std::string& name, double fallback) const;
    long integer(const std::string& name, long fallback) const;
    const std::vector<std::string>& positionals() const { return m_positionals; }

private:
    std::map<std::string, std::string> m_values;
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
