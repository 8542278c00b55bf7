// The robustness study's table: per choice and network configuration, accuracy vs level per
// network kind (mean ± sd over seeds) and the paper's noise claims tested under that choice.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <sstream>

#include "claim_tests.h"
#include "dwmtj/reproduce.h"

namespace dwmtj::core {
namespace {

using namespace claimtest;

const char* kindLabel(NeuronKind k) { return neuronKindInfo(k).label.c_str(); }

/// The trained device gain relative to the LUT's suggestion (1 for LIF and the default).
double trainedGainFactor(const Experiment& e)
{
    if (e.config.neuron == NeuronKind::Lif || std::isnan(e.config.gainVolts) || !e.lut ||
        !(e.lut->gainVolts != 0))
        return 1;
    return std::round(e.config.gainVolts / e.lut->gainVolts * 1000) / 1000;
}

struct NetKey {
    int hidden = 0, timesteps = 0;
    double trainNoise = 0, gainFactor = 1;
    auto tie() const { return std::tie(hidden, timesteps, trainNoise, gainFactor); }
    bool operator<(const NetKey& o) const { return tie() < o.tie(); }
};

std::string netName(const NetKey& k)
{
    std::ostringstream s;
    s << "H" << k.hidden << " T" << k.timesteps;
    if (k.trainNoise > 0) s << ", trained with noise σ " << k.trainNoise;
    if (k.gainFactor != 1) s << ", trained at device gain x" << k.gainFactor;
    return s.str();
}

/// Values of one kind at level index k (per run: accuracy or normalized, in percent).
GroupValues valuesAt(const std::string& label, const std::vector<const StudyCurve*>& curves,
                     double level, bool normalized)
{
    std::vector<double> v;
    for (const auto* c : curves)
        for (size_t i = 0; i < c->level.size(); ++i)
            if (std::fabs(c->level[i] - level) < 1e-9) {
                const double x = normalized ? c->normalized[i] : c->accuracy[i];
                if (std::isfinite(x)) v.push_back(100 * x);
            }
    std::ostringstream l;
    l << label << (normalized ? " normalized accuracy" : " accuracy") << " at " << level;
    return group(l.str(), v);
}

}  // namespace

StudySummary summarizeStudy(const std::vector<Experiment>& experiments)
{
    // Choices in order of first appearance, with the settings of their first curve.
    std::vector<StudyChoice> choices;
    for (const auto& e : experiments)
        for (const auto& r : e.runs)
            for (const auto& c : r.study)
                if (std::none_of(choices.begin(), choices.end(),
                                 [&](const StudyChoice& x) { return x.id == c.choice.id; }))
                    choices.push_back(c.choice);
    // Network configurations: DW-MTJ files by (H, T, training noise, gain); LIF by (H, T, noise).
    std::map<NetKey, std::map<NeuronKind, std::vector<const Experiment*>>> nets;
    // (The verdicts compare the paper's pure networks; hybrid networks are not rows here.)
    for (const auto& e : experiments)
        if (!e.config.hybrid() && e.config.neuron != NeuronKind::Lif)
            nets[{e.config.hidden, e.config.timesteps, e.config.trainNoiseSigma,
                  trainedGainFactor(e)}][e.config.neuron]
                .push_back(&e);
    for (const auto& e : experiments) {
        if (e.config.hybrid() || e.config.neuron != NeuronKind::Lif) continue;
        bool joined = false;
        for (auto& [key, kinds] : nets)
            if (key.hidden == e.config.hidden && key.timesteps == e.config.timesteps &&
                key.trainNoise == e.config.trainNoiseSigma) {
                kinds[NeuronKind::Lif].push_back(&e);
                joined = true;
            }
        if (!joined)
            nets[{e.config.hidden, e.config.timesteps, e.config.trainNoiseSigma, 1}]
                [NeuronKind::Lif]
                    .push_back(&e);
    }

    StudySummary out;
    for (const auto& choice : choices)
        for (const auto& [key, kinds] : nets) {
            StudyRow row;
            row.choiceId = choice.id;
            row.choiceLabel = choice.label;
            row.choiceDescription = choice.describe();
            row.levelName = choice.levelName();
            row.network = netName(key);
            row.levels = choice.levels;
            row.probe = choice.probeLevel();
            std::map<NeuronKind, std::vector<const StudyCurve*>> curves;
            for (const auto& [kind, files] : kinds)
                for (const auto* e : files)
                    for (const auto& r : e->runs)
                        for (const auto& c : r.study)
                            if (c.choice.id == choice.id) curves[kind].push_back(&c);
            if (curves.empty()) continue;
            if (std::isnan(row.probe) && !row.levels.empty()) {
                // Automatic probe: pooled over kinds and seeds, the level (past a clean level 0)
                // nearest halfway between clean accuracy and chance.
                // Clean accuracy = accuracy / normalized accuracy (each curve is normalized by
                // its own level-0 accuracy, measured even when 0 is not among the levels).
                auto pooled = [&](double level, bool clean) {
                    double sum = 0;
                    int n = 0;
                    for (const auto& [kind, list] : curves)
                        for (const auto* c : list)
                            for (size_t i = 0; i < c->level.size(); ++i) {
                                const double a =
                                    clean ? c->accuracy[i] / c->normalized[i] : c->accuracy[i];
                                if (std::fabs(c->level[i] - level) < 1e-9 && std::isfinite(a))
                                    sum += a, ++n;
                            }
                    return n ? sum / n : std::nan("");
                };
                const double clean = pooled(row.levels.front(), true),
                             target = 0.1 + (clean - 0.1) / 2;
                double best = std::numeric_limits<double>::infinity();
                for (size_t k = row.levels.front() == 0 && row.levels.size() > 1 ? 1 : 0;
                     k < row.levels.size(); ++k) {
                    const double gap = std::fabs(pooled(row.levels[k], false) - target);
                    if (gap < best) best = gap, row.probe = row.levels[k];
                }
                row.probeAutomatic = true;
            }
            for (NeuronKind kind : {NeuronKind::Lif, NeuronKind::Binary, NeuronKind::MultiState}) {
                if (!curves.count(kind)) continue;
                StudySeries s;
                s.kind = kind;
                s.label = std::string(kindLabel(kind)) + " " + netName(key);
                for (double l : row.levels) {
                    s.accuracy.push_back(valuesAt(kindLabel(kind), curves[kind], l, false));
                    s.normalized.push_back(valuesAt(kindLabel(kind), curves[kind], l, true));
                }
                row.series.push_back(std::move(s));
            }
            auto at = [&](NeuronKind kind, double level, bool normalized) {
                return valuesAt(
                    kindLabel(kind),
                    curves.count(kind) ? curves[kind] : std::vector<const StudyCurve*>{}, level,
                    normalized);
            };
            const double p = row.probe;
            const std::string where =
                " at " + row.levelName.substr(0, row.levelName.find(' ')) + " " + pct(p, 2);
            // Both DW-MTJ networks above LIF at the probe (raw or normalized accuracy).
            auto dwmtjAboveLif = [&](ClaimResult& c, bool normalized, const std::string& on) {
                const auto l = at(NeuronKind::Lif, p, normalized),
                           b = at(NeuronKind::Binary, p, normalized),
                           m = at(NeuronKind::MultiState, p, normalized);
                c.groups = {l, b, m};
                c.measured = describe(l) + "; " + describe(b) + "; " + describe(m);
                c.test = "two Welch t-tests (two-sided)" + on + where + ", alpha 0.05 each";
                bothAboveClaim(c, b, l, m, l);
            };
            // Each DW-MTJ kind against LIF on its own: by how much, how significant.
            for (auto [kind, claim] : {std::pair{NeuronKind::Binary, &row.binaryAboveLif},
                                       std::pair{NeuronKind::MultiState, &row.multiAboveLif}}) {
                claim->id = std::string(toString(kind)) + "-above-lif";
                claim->claim =
                    std::string("the ") + kindLabel(kind) + " network is above LIF under noise";
                aboveClaim(*claim, at(kind, p, false), at(NeuronKind::Lif, p, false));
                claim->test += where;
            }
            row.lifBelow.id = "lif-below-dwmtj-under-noise";
            row.lifBelow.claim = "LIF falls below both DW-MTJ networks under noise";
            dwmtjAboveLif(row.lifBelow, false, "");
            row.degradesLess.id = "dwmtj-degrade-less";
            row.degradesLess.claim =
                "both DW-MTJ networks keep more of their clean accuracy than LIF";
            dwmtjAboveLif(row.degradesLess, true, " on accuracy / clean accuracy");
            {
                ClaimResult& c = row.mwBelowBinary;
                c.id = "mw-below-binary-under-noise";
                c.claim = "the multi-weight network falls below the binary one under noise";
                aboveClaim(c, at(NeuronKind::Binary, p, false),
                           at(NeuronKind::MultiState, p, false));
                c.test += where;
            }
            for (double l : row.levels) {
                const auto a = at(NeuronKind::Lif, l, false), b = at(NeuronKind::Binary, l, false),
                           m = at(NeuronKind::MultiState, l, false);
                const bool below =
                    a.n > 0 && b.n > 0 && m.n > 0 && a.mean < std::min(b.mean, m.mean);
                if (below && std::isnan(row.crossing)) row.crossing = l;
                if (!below) row.crossing = std::nan("");
            }
            out.rows.push_back(std::move(row));
        }
    return out;
}

std::vector<std::string> studyTableHeader()
{
    return {"Choice",
            "Network",
            "Probe",
            "LIF %",
            "binary %",
            "multi-weight %",
            "binary − LIF",
            "multi-weight − LIF",
            "LIF below both DW-MTJ",
            "multi-weight below binary",
            "DW-MTJ degrade less",
            "LIF below both from"};
}

std::vector<std::vector<std::string>> studyTableCells(const StudySummary& s)
{
    auto meanAt = [](const StudyRow& r, NeuronKind kind) -> std::string {
        for (const auto& series : r.series)
            if (series.kind == kind)
                for (size_t k = 0; k < r.levels.size(); ++k)
                    if (r.levels[k] == r.probe && series.accuracy[k].n > 0)
                        return pct(series.accuracy[k].mean, 1) + " ± " +
                               pct(series.accuracy[k].sd, 1);
        return "–";
    };
    // Under one choice: the claim holds, the opposite is significant, or neither is shown.
    auto verdict = [](const ClaimResult& c) {
        const char* word = c.verdict == Verdict::Reproduced      ? "holds"
                           : c.verdict == Verdict::NotReproduced ? "contradicted"
                                                                 : "not shown";
        return std::string(word) + (std::isfinite(c.pValue) ? " (" + pText(c.pValue) + ")" : "");
    };
    // "+4.5 holds (p = 0.01)": the mean difference in accuracy points and the verdict.
    auto difference = [&](const ClaimResult& c) -> std::string {
        if (c.groups.size() != 2 || c.groups[0].n == 0 || c.groups[1].n == 0) return "–";
        const double d = c.groups[0].mean - c.groups[1].mean;
        return (d >= 0 ? "+" : "") + pct(d, 1) + " " + verdict(c);
    };
    std::vector<std::vector<std::string>> rows;
    for (const auto& r : s.rows)
        rows.push_back({r.choiceLabel, r.network,
                        r.levelName.substr(0, r.levelName.find(' ')) + " " + pct(r.probe, 2) +
                            (r.probeAutomatic ? " (auto)" : ""),
                        meanAt(r, NeuronKind::Lif), meanAt(r, NeuronKind::Binary),
                        meanAt(r, NeuronKind::MultiState), difference(r.binaryAboveLif),
                        difference(r.multiAboveLif), verdict(r.lifBelow), verdict(r.mwBelowBinary),
                        verdict(r.degradesLess),
                        std::isnan(r.crossing) ? std::string("never") : pct(r.crossing, 2)});
    return rows;
}

const ClaimResult* studyTableClaim(const StudyRow& r, size_t column)
{
    switch (column) {
        case 6:
            return &r.binaryAboveLif;
        case 7:
            return &r.multiAboveLif;
        case 8:
            return &r.lifBelow;
        case 9:
            return &r.mwBelowBinary;
        case 10:
            return &r.degradesLess;
    }
    return nullptr;
}

std::string studyTableMarkdown(const StudySummary& s)
{
    std::ostringstream o;
    const auto header = studyTableHeader();
    for (const auto& h : header) o << "| " << h << " ";
    o << "|\n";
    for (size_t k = 0; k < header.size(); ++k) o << "|---";
    o << "|\n";
    for (const auto& row : studyTableCells(s)) {
        for (const auto& cell : row) o << "| " << cell << " ";
        o << "|\n";
    }
    return o.str();
}

}  // namespace dwmtj::core
