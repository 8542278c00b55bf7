// The paper's own comparison (one network per kind, Fig. 4) as a secondary analysis.
#include <algorithm>
#include <cmath>
#include <sstream>

#include "claim_tests.h"
#include "dwmtj/noise_endpoint.h"
#include "dwmtj/reproduce.h"

namespace dwmtj::core {
namespace {

using namespace claimtest;

/// One network: its run seed, best validation accuracy and pixel-unit noise curve.
struct Net {
    uint64_t seed = 0;
    double validation = std::nan("");
    endpoint::NetworkCurve curve;
};

std::vector<Net> networks(const std::vector<ReproJobResult>& jobs, const std::string& experiment,
                          NeuronKind kind)
{
    std::vector<Net> out;
    if (const auto* j = findJob(jobs, experiment, kind))
        for (const auto& r : j->experiment.runs)
            for (const auto& c : r.noise)
                if (c.units == NoiseUnits::Pixel) {
                    Net n;
                    n.seed = r.seed;
                    n.validation = r.bestValidationAccuracy;
                    n.curve = endpointCurve(c);
                    out.push_back(std::move(n));
                }
    return out;
}

const Net* best(const std::vector<Net>& nets)
{
    const Net* b = nullptr;
    for (const auto& n : nets)
        if (!b || n.validation > b->validation) b = &n;
    return b;
}

/// The grid level of `curve` nearest `target`, and its index.
size_t nearestLevel(const endpoint::NetworkCurve& c, double target)
{
    size_t k = 0;
    for (size_t i = 0; i < c.level.size(); ++i)
        if (std::fabs(c.level[i] - target) < std::fabs(c.level[k] - target)) k = i;
    return k;
}

std::string mcnemarText(const Net& a, const Net& b, const std::string& an, const std::string& bn,
                        double target)
{
    if (a.curve.correct.empty() || b.curve.correct.empty())
        return "McNemar: no per-image records (re-run the noise evaluation)";
    const size_t k = nearestLevel(a.curve, target);
    if (k >= b.curve.correct.size() || std::fabs(b.curve.level[k] - a.curve.level[k]) > 1e-9)
        return "McNemar: the curves have different levels";
    const auto m = endpoint::mcnemarExact(a.curve.correct[k], b.curve.correct[k]);
    std::ostringstream s;
    s << "McNemar at sigma " << a.curve.level[k] << ": " << m.onlyA << " images only " << an
      << " gets right, " << m.onlyB << " only " << bn << " (exact " << pText(m.p) << ")";
    return s.str();
}

}  // namespace

std::vector<ClaimResult> evaluatePaperComparison(const ReproPlan& plan,
                                                 const std::vector<ReproJobResult>& jobs)
{
    // Only beside the noise claims it complements.
    const bool noiseClaims =
        plan.claims.empty() ||
        std::any_of(plan.claims.begin(), plan.claims.end(), [](const std::string& id) {
            return id == "lif-below-dwmtj-under-noise" || id == "mw-below-binary-under-noise";
        });
    const std::string& nx = plan.noiseExperiment;
    const auto L = networks(jobs, nx, NeuronKind::Lif), B = networks(jobs, nx, NeuronKind::Binary),
               M = networks(jobs, nx, NeuronKind::MultiState);
    if (!noiseClaims || (L.empty() && B.empty() && M.empty())) return {};
    const auto grid = endpointGrid(plan.noise.sigmas);
    const auto o = endpointOptions(grid);
    const auto auc = endpoint::Measure::auc();
    // The paper's ordering under noise (Fig. 4b): LIF below both, multi-weight below binary;
    // over every combination of one network per kind.
    int holds = 0, combos = 0;
    for (const auto& l : L)
        for (const auto& b : B)
            for (const auto& m : M) {
                const double al = endpoint::evaluate(l.curve, auc, grid),
                             ab = endpoint::evaluate(b.curve, auc, grid),
                             am = endpoint::evaluate(m.curve, auc, grid);
                if (!std::isfinite(al) || !std::isfinite(ab) || !std::isfinite(am)) continue;
                ++combos;
                holds += al < am && am < ab;
            }
    const std::string ordering =
        combos ? "the paper's ordering (LIF < multi-weight < binary on the AUC) holds in " +
                     std::to_string(holds) + " of " + std::to_string(combos) +
                     " combinations of one network per kind"
               : "no combination of one network per kind";

    std::vector<ClaimResult> out;
    struct Pair {
        const std::vector<Net>* hi;
        const std::vector<Net>* lo;
        const char *id, *claim, *hiName, *loName;
    };
    const Pair pairs[] = {
        {&B, &L, "one-network-binary-above-lif",
         "Fig. 4b with one network per kind: the binary network above LIF under noise", "binary",
         "LIF"},
        {&M, &L, "one-network-mw-above-lif",
         "Fig. 4b with one network per kind: the multi-weight network above LIF under noise",
         "multi-weight", "LIF"},
        {&B, &M, "one-network-mw-below-binary",
         "Fig. 4b with one network per kind: the multi-weight network below the binary one",
         "binary", "multi-weight"},
    };
    for (const auto& p : pairs) {
        ClaimResult c;
        c.id = p.id;
        c.claim = p.claim;
        const Net *hi = best(*p.hi), *lo = best(*p.lo);
        if (!hi || !lo) {
            c.verdict = kInconclusive;
            c.reason = "no noise curves for both kinds";
            out.push_back(c);
            continue;
        }
        const std::string hiLabel = std::string(p.hiName) + " seed " + std::to_string(hi->seed),
                          loLabel = std::string(p.loName) + " seed " + std::to_string(lo->seed);
        endpointAbove(c, {hi->curve}, {lo->curve},
                      measureGroup(hiLabel + " (best validation) AUC", {hi->curve}, auc, grid),
                      measureGroup(loLabel + " (best validation) AUC", {lo->curve}, auc, grid), auc,
                      o, "AUC points");
        c.test = "the best network of each kind by validation accuracy; " + c.test +
                 " (test images only: one network each)";
        c.measured += "; " + mcnemarText(*hi, *lo, p.hiName, p.loName, 0) + "; " +
                      mcnemarText(*hi, *lo, p.hiName, p.loName, 0.7) + "; " + ordering;
        out.push_back(c);
    }
    std::vector<ClaimResult*> family;
    for (auto& c : out) family.push_back(&c);
    adjustFamily(family, "the paper's comparison (one network per kind)", Adjustment::Holm);
    return out;
}

}  // namespace dwmtj::core
