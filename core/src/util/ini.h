#pragma once
// The small INI dialect of the bundled presets and study files: "# comment" lines,
// "[kind name]" sections and "key = value" lines. Errors name the file, section and line.
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace dwmtj::core::ini {

std::string trim(const std::string& s);
/// A value naming a file, resolved against the folder of the ini file `iniPath` when it is
/// relative (absolute and empty values are returned as they are).
std::string resolvePath(const std::string& value, const std::string& iniPath);

struct Section {
    std::string kind, name;  ///< "experiment" "fig3c"; "noise" ""; "choice" "bn-batch"
    int line = 0;
    std::map<std::string, std::string> values;
    std::string where() const;  ///< "[experiment fig3c] (line 12)"
    bool has(const std::string& key) const { return values.count(key) != 0; }
};

/// Throws FileFormatError for unreadable files, text outside sections, lines without '='.
std::vector<Section> read(const std::string& path);
/// The value of `key`; throws FileFormatError ("a 'key' entry", "none").
const std::string& need(const Section& s, const std::string& key, const std::string& path);
/// A finite number; throws FileFormatError naming the section and key.
double number(const Section& s, const std::string& key, const std::string& path);
double number(const Section& s, const std::string& key, const std::string& path, double fallback);
/// A whole number >= minimum (at most 1e9), `fallback` when absent; throws FileFormatError
/// naming the section and key.
int integer(const Section& s, const std::string& key, const std::string& path, int fallback,
            int minimum);
/// The text of the ini file `iniPath` with the values of `pathKeys` made absolute (resolved
/// against its folder), so that a copy elsewhere still names the same files; the values of
/// `listKeys` are comma-separated lists whose items are resolved unless `notAPath` says so.
std::string withAbsolutePaths(const std::string& text, const std::string& iniPath,
                              const std::vector<std::string>& pathKeys,
                              const std::vector<std::string>& listKeys = {},
                              const std::function<bool(const std::string&)>& notAPath = {});
/// Comma-separated list, items trimmed, empty items dropped.
std::vector<std::string> list(const std::string& text);

}  // namespace dwmtj::core::ini
