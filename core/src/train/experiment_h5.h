// The experiment file's parts (docs/experiment-file.md): attribute helpers, the attribute
// schemas that both the writer and the reader walk, and the readers and writers of /config
// (experiment_config.cpp) and /runs (experiment_runs.cpp). experiment_file.cpp puts them together.
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "dwmtj/error.h"
#include "dwmtj/experiment.h"
#include "io/h5.h"

namespace dwmtj::core::xfile {

inline double attrOr(const h5::File& f, const std::string& obj, const std::string& name,
                     double fallback)
{
    return h5::hasAttr(f, obj, name) ? h5::readDoubleAttr(f, obj, name) : fallback;
}
inline std::string attrOr(const h5::File& f, const std::string& obj, const std::string& name,
                          const char* fallback)
{
    return h5::hasAttr(f, obj, name) ? h5::readStringAttr(f, obj, name) : std::string(fallback);
}

/// A whole-number attribute (stored as a double) in [lo, hi], else FileFormatError saying
/// `expected` (a cast of NaN, 1e12 or -1 to an integer type would be undefined).
inline double wholeAttr(const h5::File& f, const std::string& obj, const std::string& name,
                        double lo, double hi, const char* expected, std::optional<double> fallback)
{
    const double v = fallback ? attrOr(f, obj, name, *fallback) : h5::readDoubleAttr(f, obj, name);
    if (!(std::isfinite(v) && v == std::floor(v) && v >= lo && v <= hi))
        throw FileFormatError(f.path, obj + "@" + name, expected, std::to_string(v));
    return v;
}
inline int intAttr(const h5::File& f, const std::string& obj, const std::string& name,
                   std::optional<double> fallback = {})
{
    return int(wholeAttr(f, obj, name, -2147483648.0, 2147483647.0, "an integer", fallback));
}
/// A seed: 0 <= seed < 2^53 (every such double is exact).
inline uint64_t seedAttr(const h5::File& f, const std::string& obj, const std::string& name,
                         std::optional<double> fallback = {})
{
    return uint64_t(
        wholeAttr(f, obj, name, 0.0, 9007199254740991.0, "a seed (a whole number >= 0)", fallback));
}

inline void writeDoubles1(const h5::File& f, const std::string& p, const std::vector<double>& v)
{
    h5::writeDoubles(f, p, v, {v.size()});
}
inline std::vector<double> readDoubles1(const h5::File& f, const std::string& p,
                                        const h5::Shape& shape = {{h5::kAny}, ""})
{
    std::vector<uint64_t> dims;
    return h5::readDoubles(f, p, shape, dims);
}

/// One attribute of a struct S: its HDF5 name and member. Numbers are stored as doubles (bool
/// 0/1), text as strings. Reading: a required attribute must be there; another, absent in an
/// older file, keeps the value of a default-constructed S.
template <class S>
struct Attr {
    using Field = std::variant<int S::*, double S::*, bool S::*, uint64_t S::*, std::string S::*>;
    const char* name;
    Field field;
    bool required = false;
};

template <class S, size_t N>
void writeAttrs(const h5::File& f, const std::string& obj, const S& s, const Attr<S> (&table)[N])
{
    for (const Attr<S>& a : table)
        std::visit(
            [&](auto member) {
                const auto& v = s.*member;
                using T = std::decay_t<decltype(v)>;
                if constexpr (std::is_same_v<T, std::string>)
                    h5::writeStringAttr(f, obj, a.name, v);
                else
                    h5::writeDoubleAttr(f, obj, a.name, double(v));
            },
            a.field);
}

template <class S, size_t N>
void readAttrs(const h5::File& f, const std::string& obj, S& s, const Attr<S> (&table)[N])
{
    static const S defaults{};  // what an attribute absent in an older file reads as
    for (const Attr<S>& a : table)
        std::visit(
            [&](auto member) {
                auto& v = s.*member;
                using T = std::decay_t<decltype(v)>;
                if constexpr (std::is_same_v<T, std::string>) {
                    v = a.required ? h5::readStringAttr(f, obj, a.name)
                                   : attrOr(f, obj, a.name, (defaults.*member).c_str());
                } else if constexpr (std::is_same_v<T, int> || std::is_same_v<T, uint64_t>) {
                    const auto fallback =
                        a.required ? std::nullopt : std::optional<double>(double(defaults.*member));
                    if constexpr (std::is_same_v<T, int>)
                        v = intAttr(f, obj, a.name, fallback);
                    else
                        v = seedAttr(f, obj, a.name, fallback);
                } else if constexpr (std::is_same_v<T, bool>) {
                    v = (a.required ? h5::readDoubleAttr(f, obj, a.name)
                                    : attrOr(f, obj, a.name, defaults.*member ? 1.0 : 0.0)) != 0;
                } else {
                    v = a.required ? h5::readDoubleAttr(f, obj, a.name)
                                   : attrOr(f, obj, a.name, defaults.*member);
                }
            },
            a.field);
}

/// "0,1,2" (/config@seeds, /provenance@seeds).
std::string seedsText(const std::vector<uint64_t>& seeds);

/// /config: the attributes, the layer groups and the variability group.
void writeConfig(const h5::File& f, const TrainingConfig& c);
/// Reads what writeConfig wrote (and every older version); the configuration is validated.
TrainingConfig readConfig(const h5::File& f, const std::string& path);

/// /runs/seed_N: the curves, checkpoints, noise, study, variability and energy of one run.
void writeRun(const h5::File& f, const RunRecord& r);
/// Reads run group `rg`; checkpoints only when `checkpoints`.
RunRecord readRun(const h5::File& f, const std::string& path, const std::string& rg,
                  const TrainingConfig& c, bool checkpoints);

}  // namespace dwmtj::core::xfile
