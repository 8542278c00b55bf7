// The [compare NAME] sections of a sweep file (dwmtj/sweep.h, docs/sweeps.md "Comparisons"):
// read, checked against the sweep's configurations, and written back. Their tests on the
// collected results: sweep_compare.cpp.
#include <algorithm>
#include <iterator>
#include <set>
#include <sstream>

#include "dwmtj/error.h"
#include "train/sweep_internal.h"
#include "util/enum_names.h"

namespace dwmtj::core {

namespace {

const std::set<std::string> kCompareKeys = {"a", "b", "measure", "hypothesis", "margin"};

/// `value` is one of the table's names; else a FileFormatError listing them.
template <typename E, size_t N>
void needName(const std::pair<E, const char*> (&table)[N], const std::string& value,
              const std::string& path, const std::string& where)
{
    for (const auto& [v, name] : table)
        if (value == name) return;
    throw FileFormatError(path, where, names::choices(table), "'" + value + "'");
}

}  // namespace

SweepComparison readSweepComparison(const ini::Section& sec, const std::string& path,
                                    const std::vector<SweepComparison>& earlier)
{
    for (const auto& [k, v] : sec.values)
        if (!kCompareKeys.count(k))
            throw FileFormatError(path, sec.where(), "a, b, measure, hypothesis or margin",
                                  "'" + k + "'");
    SweepComparison c;
    c.name = sec.name;
    if (c.name.empty()) throw FileFormatError(path, sec.where(), "[compare NAME]", "no name");
    for (const auto& other : earlier)
        if (other.name == c.name)
            throw FileFormatError(path, sec.where(), "a name used once", "'" + c.name + "'");
    c.a = ini::need(sec, "a", path);
    c.b = ini::need(sec, "b", path);
    if (sec.has("measure")) c.measure = sec.values.at("measure");
    needName(kComparisonMeasures, c.measure, path, sec.where() + " measure");
    if (sec.has("hypothesis")) c.hypothesis = sec.values.at("hypothesis");
    needName(kComparisonHypotheses, c.hypothesis, path, sec.where() + " hypothesis");
    c.margin = ini::number(sec, "margin", path, 0);
    if (!(c.margin >= 0) ||
        (c.hypothesis != "two-sided" && c.hypothesis != "superiority" && !(c.margin > 0)))
        throw FileFormatError(path, sec.where() + " margin",
                              c.hypothesis == "two-sided" || c.hypothesis == "superiority"
                                  ? "a margin >= 0 in the measure's units"
                                  : "a margin > 0 in the measure's units for " + c.hypothesis,
                              "'" + std::to_string(c.margin) + "'");
    return c;
}

void checkSweepComparisons(const Sweep& s, const std::string& path)
{
    if (s.comparisons.empty()) return;
    const auto ids = sweepConfigIds(s);
    std::string known;
    for (const auto& id : ids) known += (known.empty() ? "" : ", ") + id;
    for (const auto& c : s.comparisons) {
        const std::string where = "[compare " + c.name + "]";
        for (const std::string* side : {&c.a, &c.b})
            if (std::find(ids.begin(), ids.end(), *side) == ids.end())
                throw FileFormatError(path, where + (side == &c.a ? " a" : " b"),
                                      "a configuration of the sweep (" + known + ")",
                                      "'" + *side + "'");
        if (c.a == c.b)
            throw FileFormatError(path, where, "two different configurations",
                                  "'" + c.a + "' twice");
        if (!s.noise.enabled || s.noise.sigmas.empty() || s.noise.sigmas.front() != 0)
            throw FileFormatError(path, where,
                                  "a [noise] section whose sigma grid starts at 0 (every measure "
                                  "is read off the noise curves, per test image)",
                                  s.noise.enabled ? "a grid not starting at 0" : "no [noise]");
    }
}

std::string sweepComparisonText(const SweepComparison& c)
{
    std::ostringstream o;
    o.precision(17);
    o << "[compare " << c.name << "]\na = " << c.a << "\nb = " << c.b << "\nmeasure = " << c.measure
      << "\nhypothesis = " << c.hypothesis << "\nmargin = " << c.margin << "\n";
    return o.str();
}

}  // namespace dwmtj::core
