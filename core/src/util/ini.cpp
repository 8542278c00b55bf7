#include "util/ini.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "dwmtj/error.h"
#include "util/atomic_file.h"

namespace dwmtj::core::ini {

std::string trim(const std::string& s)
{
    const auto a = s.find_first_not_of(" \t\r");
    if (a == std::string::npos) return {};
    const auto b = s.find_last_not_of(" \t\r");
    return s.substr(a, b - a + 1);
}

std::string Section::where() const
{
    return "[" + kind + (name.empty() ? "" : " " + name) + "] (line " + std::to_string(line) + ")";
}

std::vector<Section> read(const std::string& path)
{
    std::ifstream in(path);
    if (!in) throw FileFormatError(path, "", "a readable file", "no such file or not readable");
    std::vector<Section> out;
    std::string line;
    for (int n = 1;; ++n) {
        // Bounded lines: a file of one endless line is refused, not held in memory.
        const auto got = detail::getLineBounded(in, line, 1 << 16);
        if (got == detail::LineRead::End) break;
        if (got == detail::LineRead::TooLong)
            throw FileFormatError(path, "line " + std::to_string(n), "a line under 64 KiB",
                                  "a longer line");
        const std::string t = trim(line);
        if (t.empty() || t[0] == '#') continue;
        if (t.front() == '[') {
            if (t.back() != ']')
                throw FileFormatError(path, "line " + std::to_string(n), "[section name]",
                                      "'" + t + "'");
            std::istringstream head(t.substr(1, t.size() - 2));
            Section s;
            head >> s.kind >> s.name;
            s.line = n;
            out.push_back(s);
            continue;
        }
        const auto eq = t.find('=');
        if (eq == std::string::npos || out.empty())
            throw FileFormatError(path, "line " + std::to_string(n),
                                  "key = value inside a [section]", "'" + t + "'");
        out.back().values[trim(t.substr(0, eq))] = trim(t.substr(eq + 1));
    }
    return out;
}

const std::string& need(const Section& s, const std::string& key, const std::string& path)
{
    const auto it = s.values.find(key);
    if (it == s.values.end())
        throw FileFormatError(path, s.where(), "a '" + key + "' entry", "none");
    return it->second;
}

double number(const Section& s, const std::string& key, const std::string& path)
{
    const std::string& v = need(s, key, path);
    try {
        size_t used = 0;
        const double d = std::stod(v, &used);
        if (used == v.size() && std::isfinite(d)) return d;
    } catch (const std::exception&) {
    }
    throw FileFormatError(path, s.where() + " " + key, "a number", "'" + v + "'");
}

double number(const Section& s, const std::string& key, const std::string& path, double fallback)
{
    return s.has(key) ? number(s, key, path) : fallback;
}

int integer(const Section& s, const std::string& key, const std::string& path, int fallback,
            int minimum)
{
    if (!s.has(key)) return fallback;
    const double d = number(s, key, path);
    if (d != std::floor(d) || d < minimum || d > 1e9)
        throw FileFormatError(path, s.where() + " " + key,
                              "a whole number >= " + std::to_string(minimum),
                              "'" + s.values.at(key) + "'");
    return int(d);
}

std::string withAbsolutePaths(const std::string& text, const std::string& iniPath,
                              const std::vector<std::string>& pathKeys,
                              const std::vector<std::string>& listKeys,
                              const std::function<bool(const std::string&)>& notAPath)
{
    auto absolute = [&](const std::string& v) {
        return std::filesystem::absolute(resolvePath(v, iniPath)).string();
    };
    std::ostringstream out;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        const std::string t = trim(line);
        const auto eq = t.find('=');
        if (eq != std::string::npos && t[0] != '#') {
            const std::string key = trim(t.substr(0, eq)), value = trim(t.substr(eq + 1));
            if (std::find(pathKeys.begin(), pathKeys.end(), key) != pathKeys.end()) {
                out << key << " = " << absolute(value) << "\n";
                continue;
            }
            if (std::find(listKeys.begin(), listKeys.end(), key) != listKeys.end()) {
                std::string items;
                for (const std::string& item : list(value))
                    items += (items.empty() ? "" : ", ") +
                             (notAPath && notAPath(item) ? item : absolute(item));
                out << key << " = " << items << "\n";
                continue;
            }
        }
        out << line << "\n";
    }
    return out.str();
}

std::vector<std::string> list(const std::string& text)
{
    std::vector<std::string> out;
    std::stringstream ss(text);
    for (std::string item; std::getline(ss, item, ',');)
        if (!trim(item).empty()) out.push_back(trim(item));
    return out;
}

std::string resolvePath(const std::string& value, const std::string& iniPath)
{
    namespace fs = std::filesystem;
    if (value.empty() || fs::path(value).is_absolute()) return value;
    return (fs::path(iniPath).parent_path() / value).lexically_normal().string();
}

}  // namespace dwmtj::core::ini
