// Why are the DW-MTJ networks noise-resilient (docs/models.md, "Why resilient?"): untrained
// hidden layers or stochastic neurons? Every cell of the 2 x 2 (trained / frozen hidden layers x
// stochastic / deterministic neurons) per device kind, LIF trained and frozen, and one frozen
// layer at a time, compared on the primary endpoint (chance-corrected AUC) and clean accuracy.
#include "mechanism.h"

#include <map>

#include "claim_tests.h"
#include "dwmtj/noise_endpoint.h"

namespace dwmtj::core {

using namespace claimtest;

namespace {

/// A cell: the paper role of the network, which hidden layers keep their initial values and
/// whether its device neurons sample.
struct Cell {
    NeuronKind role = NeuronKind::Lif;
    std::string frozen = "none";  ///< "none", "1", "2", "1,2"
    bool deterministic = false;
    bool operator<(const Cell& o) const
    {
        return std::tie(role, frozen, deterministic) < std::tie(o.role, o.frozen, o.deterministic);
    }
};

std::string cellText(const Cell& c)
{
    std::string s = neuronKindInfo(c.role).label;
    s += c.frozen == "none"  ? ", trained"
         : c.frozen == "1,2" ? ", frozen hidden layers"
                             : ", layer " + c.frozen + " frozen";
    if (c.role != NeuronKind::Lif) s += c.deterministic ? ", deterministic" : ", stochastic";
    return s;
}

}  // namespace

BeyondResult mechanismResult(const BeyondSet& set, const ReproPlan& plan,
                             const std::vector<ReproJobResult>& jobs)
{
    BeyondResult b;
    b.set = set;
    b.set.name = "why-resilient";
    b.set.question =
        "Does the DW-MTJ networks' noise resilience come from untrained (random) hidden layers or "
        "from the neurons' stochasticity?";
    const auto grid = endpointGrid(plan.noise.sigmas);
    const auto o = endpointOptions(grid);
    b.columns = {"clean test accuracy %", "chance-corrected AUC x 100"};
    // The cells: the compared experiment's pure networks and every mechanism set's.
    std::map<Cell, const ReproJobResult*> cells;
    for (const auto& j : jobs) {
        const bool inSet = std::any_of(plan.beyond.begin(), plan.beyond.end(), [&](auto& s) {
            return s.kind == "mechanism" && s.compare == set.compare && j.job.beyond == s.name;
        });
        if (!(inSet || (j.job.beyond.empty() && j.job.experiment == set.compare)) ||
            j.job.config.hybrid())
            continue;
        const TrainingConfig& c = j.job.config;
        const Cell cell{paperRole(c.neuron), frozenLayersText(c.frozenLayers()),
                        c.sampling == NeuronSampling::Deterministic};
        cells.emplace(cell, &j);
    }
    std::map<Cell, Curves> curves;
    std::map<Cell, size_t> row;
    for (const auto& [cell, j] : cells) {
        Curves cs;
        for (const auto& r : j->experiment.runs)
            for (const auto& n : r.noise)
                if (n.units == NoiseUnits::Pixel) cs.push_back(endpointCurve(n));
        BeyondNetwork n;
        n.label = cellText(cell) + " (" + j->job.name + ")";
        n.role = cell.frozen == "none" ? "trained" : "frozen";
        n.values = {
            measureGroup(n.label + " clean test accuracy", cs, endpoint::Measure::accuracy(0),
                         grid),
            measureGroup(n.label + " chance-corrected AUC", cs, endpoint::Measure::auc(), grid)};
        row[cell] = b.networks.size();
        b.networks.push_back(n);
        curves[cell] = std::move(cs);
    }
    // "hi above lo" on the AUC, when both cells exist.
    auto above = [&](const std::string& id, const std::string& claim, const Cell& hi,
                     const Cell& lo) {
        if (!cells.count(hi) || !cells.count(lo)) return;
        ClaimResult c;
        c.id = id;
        c.claim = claim;
        endpointAbove(c, curves[hi], curves[lo], b.networks[row[hi]].values[1],
                      b.networks[row[lo]].values[1], endpoint::Measure::auc(), o, "AUC points");
        b.answers.push_back(c);
    };
    for (NeuronKind k : {NeuronKind::Binary, NeuronKind::MultiState}) {
        const std::string name = neuronKindInfo(k).label;
        const Cell trained{k, "none", false}, frozen{k, "1,2", false};
        const Cell trainedDet{k, "none", true}, frozenDet{k, "1,2", true};
        above("freezing-" + std::string(toString(k)),
              "freezing the hidden layers makes the " + name +
                  " network more noise-resilient (frozen above trained)",
              frozen, trained);
        above("stochastic-frozen-" + std::string(toString(k)),
              "with frozen hidden layers the stochastic " + name +
                  " neurons add resilience (stochastic above deterministic)",
              frozen, frozenDet);
        above("stochastic-trained-" + std::string(toString(k)),
              "with trained hidden layers the stochastic " + name +
                  " neurons add resilience (stochastic above deterministic)",
              trained, trainedDet);
        for (const char* layer : {"1", "2"})
            above("freezing-layer" + std::string(layer) + "-" + toString(k),
                  "freezing only layer " + std::string(layer) + " makes the " + name +
                      " network more resilient than training it",
                  Cell{k, layer, false}, trained);
        if (cells.count(frozen) && cells.count(trained)) {
            ClaimResult cost;
            cost.id = "clean-cost-" + std::string(toString(k));
            cost.claim = "the frozen " + name + " network keeps the trained one's clean accuracy";
            keepsLevelClaim(cost, b.networks[row[frozen]].values[0],
                            b.networks[row[trained]].values[0]);
            b.answers.push_back(cost);
        }
    }
    const Cell lif{NeuronKind::Lif, "none", false}, lifFrozen{NeuronKind::Lif, "1,2", false};
    above("freezing-lif",
          "a LIF network with frozen hidden layers gains resilience too (frozen above trained)",
          lifFrozen, lif);
    for (const char* layer : {"1", "2"})
        above("freezing-layer" + std::string(layer) + "-lif",
              "freezing only layer " + std::string(layer) + " makes the LIF network more resilient",
              Cell{NeuronKind::Lif, layer, false}, lif);
    if (cells.count(lifFrozen) && cells.count(lif)) {
        ClaimResult cost;
        cost.id = "clean-cost-lif";
        cost.claim = "the frozen LIF network keeps the trained one's clean accuracy";
        keepsLevelClaim(cost, b.networks[row[lifFrozen]].values[0], b.networks[row[lif]].values[0]);
        b.answers.push_back(cost);
    }
    return b;
}

}  // namespace dwmtj::core
