#include "cli_args.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "dwmtj/error.h"

namespace dwmtj::cli {

std::string constructionOption(const std::string& key)
{
    std::string option = key;
    std::replace(option.begin(), option.end(), '_', '-');
    return option;
}

void readConstruction(const Args& a, core::TrainingConfig& c)
{
    for (const std::string& key : core::constructionKeys()) {
        const std::string option = constructionOption(key);
        if (!a.has(option)) {
            // Only checks (DWMTJ_CHECK_CLI_DEFAULTS) that the declared default is the core's.
            a.get(option, core::constructionValue(core::TrainingConfig{}, key));
            continue;
        }
        try {
            core::setConstruction(c, key, a.get(option, ""));
        } catch (const core::OptionsError& e) {
            throw UsageError("--" + option + ": " + e.what());
        }
    }
}

Args::Args(const std::vector<std::string>& argv, const CommandSpec& spec) : m_spec(&spec)
{
    for (std::size_t i = 0; i < argv.size(); ++i) {
        const std::string& a = argv[i];
        if (a.rfind("--", 0) == 0 && a.size() > 2) {
            std::string name = a.substr(2), value;
            const auto eq = name.find('=');
            const bool inlineValue = eq != std::string::npos;
            if (inlineValue) {
                value = name.substr(eq + 1);
                name = name.substr(0, eq);
            }
            const OptionSpec* o = findOption(spec, name);
            if (!o)
                throw UsageError("unknown option --" + name + " (dwmtj " + spec.name +
                                 " --help lists the options)");
            if (o->argument.empty()) {
                if (inlineValue) throw UsageError("--" + name + " takes no value");
                m_flags.insert(name);
                continue;
            }
            if (!inlineValue) {
                if (i + 1 >= argv.size())
                    throw UsageError("--" + name + " needs a value (" + o->argument + ")");
                value = argv[++i];
            }
            if (o->repeatable) m_repeated.emplace(name, value);
            m_values[name] = value;  // the last one counts
        } else {
            m_positionals.push_back(a);
        }
    }
}

void Args::checkDefault(const std::string& name, const std::string& fallback, bool numeric) const
{
    static const bool check = std::getenv("DWMTJ_CHECK_CLI_DEFAULTS") != nullptr;
    if (!check) return;
    const OptionSpec* o = findOption(*m_spec, name);
    if (!o)
        throw std::logic_error("dwmtj " + m_spec->name + " reads --" + name +
                               ", which it does not declare (cli_spec)");
    if (o->def.empty()) return;  // no declared default: the help describes it in words
    bool same = o->def == fallback;
    if (!same && numeric) {
        const double a = std::strtod(o->def.c_str(), nullptr),
                     b = std::strtod(fallback.c_str(), nullptr);
        same = std::abs(a - b) <= 1e-12 * std::max(std::abs(a), std::abs(b));
    }
    if (!same)
        throw std::logic_error("dwmtj " + m_spec->name + " --" + name + ": the code's default '" +
                               fallback + "' is not the declared '" + o->def + "' (cli_spec)");
}

std::string Args::get(const std::string& name, const std::string& fallback) const
{
    auto it = m_values.find(name);
    if (it == m_values.end()) {
        checkDefault(name, fallback, false);
        return fallback;
    }
    return it->second;
}

std::vector<std::string> Args::all(const std::string& name) const
{
    std::vector<std::string> v;
    const auto [first, last] = m_repeated.equal_range(name);
    for (auto it = first; it != last; ++it) v.push_back(it->second);
    return v;
}

double Args::number(const std::string& name, double fallback) const
{
    auto it = m_values.find(name);
    if (it == m_values.end()) {
        checkDefault(name, jsonNumber(fallback), true);
        return fallback;
    }
    char* end = nullptr;
    const double v = std::strtod(it->second.c_str(), &end);
    if (end == it->second.c_str() || *end != '\0' || !std::isfinite(v))
        throw UsageError("--" + name + ": expected a number, found '" + it->second + "'");
    return v;
}

long Args::integer(const std::string& name, long fallback) const
{
    auto it = m_values.find(name);
    if (it == m_values.end()) {
        checkDefault(name, std::to_string(fallback), true);
        return fallback;
    }
    char* end = nullptr;
    const long v = std::strtol(it->second.c_str(), &end, 10);
    if (end == it->second.c_str() || *end != '\0')
        throw UsageError("--" + name + ": expected a whole number, found '" + it->second + "'");
    return v;
}

void parseRange(const std::string& text, const std::string& option, double& a, double& b)
{
    const auto colon = text.find(':');
    char* e1 = nullptr;
    char* e2 = nullptr;
    if (colon != std::string::npos) {
        const std::string l = text.substr(0, colon), r = text.substr(colon + 1);
        a = std::strtod(l.c_str(), &e1);
        b = std::strtod(r.c_str(), &e2);
        if (e1 != l.c_str() && *e1 == '\0' && e2 != r.c_str() && *e2 == '\0' && a < b) return;
    }
    throw UsageError("--" + option + ": expected A:B with A < B (volts), found '" + text + "'");
}

std::string jsonString(const std::string& s)
{
    std::string o = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') {
            o += '\\';
            o += c;
        } else if (c == '\n')
            o += "\\n";
        else if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            o += buf;
        } else
            o += c;
    }
    return o + "\"";
}

std::string jsonNumber(double x)
{
    if (!std::isfinite(x)) return "null";
    std::ostringstream s;
    s.precision(12);
    s << x;
    return s.str();
}

}  // namespace dwmtj::cli
