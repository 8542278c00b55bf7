// The robustness study's table: per choice and network configuration, accuracy vs level per
// network kind (mean ± sd over seeds) and the paper's noise claims tested under that choice.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <sstream>

#include "claim_tests.h"
#include "dwmtj/noise_endpoint.h"
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
    /// The construction that the mechanism study varies: the hidden layers frozen on purpose
    /// (TrainingConfig::freeze), deterministic neurons.
    std::string frozen = "none";
    bool deterministic = false;
    /// No gradient passes the device neurons (as released): the layers below stay untrained.
    /// A LIF network of the same experiment has no device neuron and trains every layer, yet it
    /// is the network the paper compares them with, so LIF files join these rows too.
    bool noDeviceGradient = false;
    auto tie() const
    {
        return std::tie(hidden, timesteps, trainNoise, gainFactor, frozen, deterministic,
                        noDeviceGradient);
    }
    bool operator<(const NetKey& o) const { return tie() < o.tie(); }
};

/// The hidden layers an experiment freezes on purpose ("1,2", "none"); layers left untrained
/// below a device neuron without gradient are NetKey::noDeviceGradient instead.
std::string frozenOnPurpose(const Experiment& e) { return frozenLayersText(e.config.freeze); }

std::string netName(const NetKey& k)
{
    std::ostringstream s;
    s << "H" << k.hidden << " T" << k.timesteps;
    if (k.trainNoise > 0) s << ", trained with noise σ " << k.trainNoise;
    if (k.gainFactor != 1) s << ", trained at device gain x" << k.gainFactor;
    if (k.frozen != "none") s << ", frozen layers " << k.frozen;
    if (k.deterministic) s << ", deterministic neurons";
    if (k.noDeviceGradient) s << ", no gradient through the device neurons (as released)";
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
    // Network configurations: DW-MTJ files by (H, T, training noise, gain, construction); LIF
    // files join every row of their (H, T, noise, layers frozen on purpose).
    std::map<NetKey, std::map<NeuronKind, std::vector<const Experiment*>>> nets;
    // (The verdicts compare the paper's pure networks; hybrid networks are not rows here.)
    for (const auto& e : experiments)
        if (!e.config.hybrid() && e.config.neuron != NeuronKind::Lif)
            nets[{e.config.hidden, e.config.timesteps, e.config.trainNoiseSigma,
                  trainedGainFactor(e), frozenOnPurpose(e),
                  e.config.sampling == NeuronSampling::Deterministic,
                  e.config.deviceGradient == DeviceGradient::None}][paperRole(e.config.neuron)]
                .push_back(&e);
    for (const auto& e : experiments) {
        if (e.config.hybrid() || e.config.neuron != NeuronKind::Lif) continue;
        bool joined = false;
        for (auto& [key, kinds] : nets)
            if (key.hidden == e.config.hidden && key.timesteps == e.config.timesteps &&
                key.trainNoise == e.config.trainNoiseSigma && key.frozen == frozenOnPurpose(e)) {
                kinds[NeuronKind::Lif].push_back(&e);
                joined = true;
            }
        if (!joined)
            nets[{e.config.hidden, e.config.timesteps, e.config.trainNoiseSigma, 1,
                  frozenOnPurpose(e), false, false}][NeuronKind::Lif]
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
            row.grid = endpointGrid(row.levels);
            auto o = endpointOptions(row.grid);
            o.imageResamples = 500;  // many rows: the image part is the small one (docs)
            std::map<NeuronKind, Curves> ec;
            for (const auto& [kind, list] : curves)
                for (const auto* c : list) ec[kind].push_back(endpointCurve(*c));
            const auto auc = endpoint::Measure::auc(), s50 = endpoint::Measure::sigma50();
            for (NeuronKind kind : {NeuronKind::Lif, NeuronKind::Binary, NeuronKind::MultiState}) {
                if (!curves.count(kind)) continue;
                StudySeries s;
                s.kind = kind;
                s.label = std::string(kindLabel(kind)) + " " + netName(key);
                for (double l : row.levels) {
                    s.accuracy.push_back(valuesAt(kindLabel(kind), curves[kind], l, false));
                    s.normalized.push_back(valuesAt(kindLabel(kind), curves[kind], l, true));
                }
                std::vector<bool> recorded;
                for (const auto* c : curves[kind]) recorded.push_back(std::isfinite(c->chance));
                row.endpoints.push_back(groupEndpoints(s.label, ec[kind], recorded, o));
                row.series.push_back(std::move(s));
            }
            const Curves none;
            auto of = [&](NeuronKind k) -> const Curves& { return ec.count(k) ? ec[k] : none; };
            auto aucGroup = [&](NeuronKind k) {
                return measureGroup(std::string(kindLabel(k)) + " AUC", of(k), auc, row.grid);
            };
            const auto L = NeuronKind::Lif, B = NeuronKind::Binary, M = NeuronKind::MultiState;
            const std::string units = "AUC points";
            // Each DW-MTJ kind against LIF on its own: by how much, how sure.
            for (auto [kind, claim] :
                 {std::pair{B, &row.binaryAboveLif}, std::pair{M, &row.multiAboveLif}}) {
                claim->id = std::string(toString(kind)) + "-above-lif";
                claim->claim = std::string("the ") + kindLabel(kind) +
                               " network keeps more of its accuracy under noise than LIF";
                endpointAbove(*claim, of(kind), of(L), aucGroup(kind), aucGroup(L), auc, o, units);
            }
            {
                ClaimResult& c = row.lifBelow;
                c.id = "lif-below-dwmtj-under-noise";
                c.claim = "LIF falls below both DW-MTJ networks under noise";
                c.groups = {aucGroup(L), aucGroup(B), aucGroup(M)};
                c.measured = describe(c.groups[0]) + "; " + describe(c.groups[1]) + "; " +
                             describe(c.groups[2]);
                endpointBothAbove(c, of(B), of(L), of(M), of(L), auc, o, units, "binary − LIF",
                                  "multi-weight − LIF");
            }
            {
                ClaimResult& c = row.mwBelowBinary;
                c.id = "mw-below-binary-under-noise";
                c.claim = "the multi-weight network falls below the binary one under noise";
                endpointAbove(c, of(B), of(M), aucGroup(B), aucGroup(M), auc, o, units);
            }
            {
                ClaimResult& c = row.degradesLess;
                c.id = "dwmtj-degrade-later";
                c.claim =
                    "both DW-MTJ networks keep half their chance-corrected accuracy to a higher "
                    "noise level than LIF (sigma50)";
                auto s50Group = [&](NeuronKind k) {
                    return measureGroup(std::string(kindLabel(k)) + " sigma50", of(k), s50,
                                        row.grid, 1);
                };
                c.groups = {s50Group(L), s50Group(B), s50Group(M)};
                c.measured = describe(c.groups[0]) + "; " + describe(c.groups[1]) + "; " +
                             describe(c.groups[2]);
                endpointBothAbove(c, of(B), of(L), of(M), of(L), s50, o, "levels x 100",
                                  "binary − LIF", "multi-weight − LIF");
            }
            row.crossingText = crossingText(of(L), of(B), of(M), row.grid, o.seed, row.crossing);
            out.rows.push_back(std::move(row));
        }
    // Every cell of the table is one exploratory family (Benjamini-Hochberg, q 0.05).
    std::vector<ClaimResult*> family;
    for (auto& r : out.rows)
        for (auto* c :
             {&r.binaryAboveLif, &r.multiAboveLif, &r.lifBelow, &r.mwBelowBinary, &r.degradesLess})
            family.push_back(c);
    adjustFamily(family, "the robustness study's cells", Adjustment::BenjaminiHochberg);
    return out;
}

std::vector<std::string> studyTableHeader()
{
    return {"Choice",
            "Network",
            "Endpoint grid",
            "LIF AUC",
            "binary AUC",
            "multi-weight AUC",
            "binary − LIF",
            "multi-weight − LIF",
            "LIF below both DW-MTJ",
            "multi-weight below binary",
            "DW-MTJ σ50 above LIF",
            "LIF below both from"};
}

std::vector<std::vector<std::string>> studyTableCells(const StudySummary& s)
{
    // A group's chance-corrected AUC x 100 with its 95 % interval.
    auto aucOf = [](const StudyRow& r, NeuronKind kind) -> std::string {
        for (size_t k = 0; k < r.series.size() && k < r.endpoints.size(); ++k)
            if (r.series[k].kind == kind) {
                const auto& e = r.endpoints[k].auc;
                if (!std::isfinite(e.value)) return "–";
                return pct(100 * e.value, 1) +
                       (e.valid() ? " [" + pct(100 * e.low, 1) + ", " + pct(100 * e.high, 1) + "]"
                                  : "");
            }
        return "–";
    };
    // Under one choice: the claim holds, the opposite is shown, or neither; raw and adjusted p.
    auto verdict = [](const ClaimResult& c) {
        const char* word = c.verdict == Verdict::Reproduced      ? "holds"
                           : c.verdict == Verdict::NotReproduced ? "contradicted"
                                                                 : "not shown";
        std::string t = word;
        if (std::isfinite(c.pValue)) {
            t += " (" + pText(c.pValue);
            if (std::isfinite(c.pAdjusted)) t += ", adjusted " + pText(c.pAdjusted);
            t += ")";
        }
        return t;
    };
    // "+4.5 [−1.2, 10.2], MDE 6.1: not shown (p = 0.12, adjusted 0.40)".
    auto difference = [&](const ClaimResult& c) -> std::string {
        if (!std::isfinite(c.difference)) return "–";
        std::string t = (c.difference >= 0 ? "+" : "") + pct(c.difference, 1);
        if (std::isfinite(c.ciLow)) t += " [" + pct(c.ciLow, 1) + ", " + pct(c.ciHigh, 1) + "]";
        if (std::isfinite(c.minDetectable)) t += ", MDE " + pct(c.minDetectable, 1);
        return t + ": " + verdict(c);
    };
    auto gridText = [](const StudyRow& r) {
        if (r.grid.empty()) return std::string("–");
        return r.levelName.substr(0, r.levelName.find(' ')) + " " + pct(r.grid.front(), 2) + ".." +
               pct(r.grid.back(), 2) + " (" + std::to_string(r.grid.size()) + " levels)";
    };
    std::vector<std::vector<std::string>> rows;
    for (const auto& r : s.rows)
        rows.push_back({r.choiceLabel, r.network, gridText(r), aucOf(r, NeuronKind::Lif),
                        aucOf(r, NeuronKind::Binary), aucOf(r, NeuronKind::MultiState),
                        difference(r.binaryAboveLif), difference(r.multiAboveLif),
                        difference(r.lifBelow), difference(r.mwBelowBinary),
                        difference(r.degradesLess),
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
