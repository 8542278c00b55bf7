// The noise-robustness endpoint: chance-corrected AUC and sigma50 per network, group
// estimates and comparisons with seed + paired-image variance, power and multiplicity.
#include "dwmtj/endpoint.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <numeric>
#include <random>
#include <string>

#include "dwmtj/error.h"
#include "dwmtj/stats.h"
#include "t_reference.h"

namespace dwmtj::core::endpoint {
namespace {

using detail::kInf;
using detail::quantile;

bool sameLevel(double a, double b) { return std::fabs(a - b) < 1e-9; }

/// The measure on a curve given as (levels, accuracies).
double measureOf(const std::vector<double>& level, const std::vector<double>& accuracy,
                 double chance, const Measure& m, const std::vector<double>& grid)
{
    switch (m.kind) {
        case Measure::Auc: {
            const auto a = chanceCorrected(level, accuracy, chance, grid);
            if (a.empty()) return kNaN;
            double sum = 0;
            for (double x : a) sum += x;  // NaN propagates: the grid must be covered
            return sum / double(a.size());
        }
        case Measure::Sigma50: {
            const auto a = chanceCorrected(level, accuracy, chance, grid);
            if (a.empty() ||
                std::any_of(a.begin(), a.end(), [](double x) { return std::isnan(x); }))
                return kNaN;
            const auto fit = isotonicDecreasing(a);
            for (size_t k = 0; k < fit.size(); ++k)
                if (fit[k] <= 0.5) {
                    if (k == 0) return grid[0];
                    return grid[k - 1] +
                           (fit[k - 1] - 0.5) / (fit[k - 1] - fit[k]) * (grid[k] - grid[k - 1]);
                }
            return kInf;
        }
        case Measure::Accuracy:
            return accuracyAt(level, accuracy, m.level);
        case Measure::AboveChance:
            return accuracyAt(level, accuracy, m.level) - chance;
        case Measure::ChanceCorrected: {
            const auto a = chanceCorrected(level, accuracy, chance, {m.level});
            return a.empty() ? kNaN : a[0];
        }
    }
    return kNaN;
}

/// One network's per-image records as one bitset per level (64 images per word).
struct Bits {
    const NetworkCurve* curve = nullptr;
    std::vector<std::vector<uint64_t>> level;  ///< [level][word]
};

Bits bitsOf(const NetworkCurve& c)
{
    Bits b;
    b.curve = &c;
    for (const auto& row : c.correct) {
        auto& words = b.level.emplace_back((row.size() + 63) / 64, 0);
        for (size_t i = 0; i < row.size(); ++i)
            if (row[i]) words[i / 64] |= uint64_t(1) << (i % 64);
    }
    return b;
}

/// A bootstrap replicate's image counts w_i in bit planes: w = sum_k 2^k plane_k (k < 4), plus
/// the rare images drawn 16 times or more, so that sum_i w_i c_i over a bitset c is four
/// popcounts per word (exact).
struct Planes {
    std::vector<uint64_t> plane[4];
    std::vector<std::pair<size_t, uint32_t>> large;  ///< image, w >> 4
};

void toPlanes(const std::vector<uint32_t>& w, Planes& p)
{
    const size_t n = w.size(), words = (n + 63) / 64;
    for (auto& q : p.plane) q.resize(words);
    p.large.clear();
    for (size_t j = 0; j < words; ++j) {
        uint64_t b0 = 0, b1 = 0, b2 = 0, b3 = 0;
        const size_t end = std::min(n, (j + 1) * 64);
        for (size_t i = j * 64; i < end; ++i) {
            const uint64_t x = w[i], bit = i % 64;
            b0 |= (x & 1u) << bit;
            b1 |= (x >> 1 & 1u) << bit;
            b2 |= (x >> 2 & 1u) << bit;
            b3 |= (x >> 3 & 1u) << bit;
            if (x >> 4) p.large.emplace_back(i, uint32_t(x >> 4));
        }
        p.plane[0][j] = b0;
        p.plane[1][j] = b1;
        p.plane[2][j] = b2;
        p.plane[3][j] = b3;
    }
}

/// sum_i w_i over the images set in `bits` (the POPCNT instruction where the CPU has it: the
/// generic x86-64 baseline of Debian's compiler does not assume it).
template <class Count>
double weightedCountWith(const std::vector<uint64_t>& bits, const Planes& p, Count count)
{
    uint64_t sum = 0;
    for (int k = 0; k < 4; ++k) {
        uint64_t c = 0;
        for (size_t j = 0; j < bits.size(); ++j) c += count(bits[j] & p.plane[k][j]);
        sum += c << k;
    }
    for (const auto& [i, high] : p.large)
        if (bits[i / 64] >> (i % 64) & 1u) sum += uint64_t(high) << 4;
    return double(sum);
}
#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("popcnt"))) double weightedCountPopcnt(const std::vector<uint64_t>& bits,
                                                             const Planes& p)
{
    return weightedCountWith(bits, p, [](uint64_t x) { return uint64_t(__builtin_popcountll(x)); });
}
bool havePopcnt()
{
    static const bool have = (__builtin_cpu_init(), __builtin_cpu_supports("popcnt"));
    return have;
}
#endif
double weightedCount(const std::vector<uint64_t>& bits, const Planes& p)
{
#if defined(__x86_64__) && defined(__GNUC__)
    if (havePopcnt()) return weightedCountPopcnt(bits, p);
#endif
    return weightedCountWith(bits, p, [](uint64_t x) { return uint64_t(std::popcount(x)); });
}

/// Whether every curve has per-image records over the same number of images; that number.
size_t sharedImages(const std::vector<const std::vector<NetworkCurve>*>& groups)
{
    size_t n = 0;
    for (const auto* g : groups)
        for (const auto& c : *g) {
            if (c.correct.size() != c.level.size() || c.correct.empty()) return 0;
            for (const auto& row : c.correct) {
                if (row.empty() || (n && row.size() != n)) return 0;
                n = row.size();
            }
        }
    return n;
}

/// Per replicate of the image bootstrap, the measure of every network of every group
/// ([replicate][group][network]; the same resampled images for every network). Empty when
/// the records do not allow it.
using Replicates = std::vector<std::vector<std::vector<double>>>;
Replicates imageReplicates(const std::vector<const std::vector<NetworkCurve>*>& groups,
                           const Measure& m, const Options& o)
{
    const size_t n = sharedImages(groups);
    if (n == 0 || o.imageResamples < 2) return {};
    std::vector<std::vector<Bits>> bits;
    for (const auto* g : groups) {
        bits.emplace_back();
        for (const auto& c : *g) bits.back().push_back(bitsOf(c));
    }
    const double cap = o.grid.empty() ? kInf : o.grid.back();
    std::mt19937_64 rng(o.seed);
    std::uniform_int_distribution<size_t> pick(0, n - 1);
    std::vector<uint32_t> weight(n);
    Planes planes;
    std::vector<double> acc;
    Replicates out;
    for (int b = 0; b < o.imageResamples; ++b) {
        std::fill(weight.begin(), weight.end(), 0u);
        for (size_t i = 0; i < n; ++i) ++weight[pick(rng)];
        toPlanes(weight, planes);
        auto& rep = out.emplace_back();
        for (const auto& group : bits) {
            auto& values = rep.emplace_back();
            for (const auto& p : group) {
                acc.clear();
                for (const auto& lv : p.level) acc.push_back(weightedCount(lv, planes) / double(n));
                double v = measureOf(p.curve->level, acc, p.curve->chance, m, o.grid);
                if (v == kInf) v = cap;  // a replicate that never halves: censored at the grid end
                values.push_back(v);
            }
        }
    }
    return out;
}

double mean(const std::vector<double>& v)
{
    return v.empty() ? kNaN : std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
}

double covariance(const std::vector<double>& a, const std::vector<double>& b)
{
    if (a.size() < 2) return 0;
    const double ma = mean(a), mb = mean(b);
    double s = 0;
    for (size_t k = 0; k < a.size(); ++k) s += (a[k] - ma) * (b[k] - mb);
    return s / double(a.size() - 1);
}

/// The test-image part of the variance of sum_g sign_g x mean(group g): the bootstrap variance
/// of that combination less what the seed part s^2 / n already holds. Each network's image
/// variation has a part shared with the other networks (the same hard images) and a part of
/// its own; the second varies from network to network like the seed does, so s^2 counts it.
/// Removed per group: (1/n^2) sum_k (V_k - C), V_k a network's bootstrap variance and C the
/// mean covariance between two of the group's networks (groups of one network keep it all).
double imageVariance(const Replicates& reps, const std::vector<double>& sign)
{
    if (reps.empty()) return 0;
    const size_t groups = sign.size();
    std::vector<double> combo;
    for (const auto& r : reps) {
        double x = 0;
        for (size_t g = 0; g < groups; ++g) x += sign[g] * mean(r[g]);
        combo.push_back(x);
    }
    double v = covariance(combo, combo);
    for (size_t g = 0; g < groups; ++g) {
        const size_t n = reps.front()[g].size();
        if (n < 2) continue;
        std::vector<std::vector<double>> net(n);
        for (const auto& r : reps)
            for (size_t k = 0; k < n; ++k) net[k].push_back(r[g][k]);
        double diag = 0, off = 0;
        for (size_t k = 0; k < n; ++k) {
            diag += covariance(net[k], net[k]);
            for (size_t j = k + 1; j < n; ++j) off += covariance(net[k], net[j]);
        }
        const double shared = off / double(n * (n - 1) / 2);
        v -= (diag - double(n) * shared) / double(n * n);
    }
    return std::max(0.0, v);
}

double variance(const std::vector<double>& v)
{
    if (v.size() < 2) return 0;
    const double mean = std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
    double ss = 0;
    for (double x : v) ss += (x - mean) * (x - mean);
    return ss / double(v.size() - 1);
}

/// The per-network values of a group; `note` says what is missing.
struct GroupValues {
    std::vector<double> v;
    int unreached = 0;
    bool ok = true;
    std::string note;
};
GroupValues valuesOf(const std::vector<NetworkCurve>& group, const Measure& m, const Options& o)
{
    GroupValues g;
    if (group.empty()) {
        g.ok = false;
        g.note = "no networks";
        return g;
    }
    for (const auto& c : group) {
        const double x = evaluate(c, m, o.grid);
        if (std::isnan(x)) {
            g.ok = false;
            g.note = "a curve does not cover the grid or its clean accuracy is at or below chance";
        }
        if (x == kInf) ++g.unreached;
        g.v.push_back(x);
    }
    if (g.ok && g.unreached) {
        g.ok = false;
        g.note = std::to_string(g.unreached) + " of " + std::to_string(group.size()) +
                 " networks keep more than half their chance-corrected accuracy over the whole "
                 "grid (sigma50 beyond " +
                 std::to_string(o.grid.empty() ? 0.0 : o.grid.back()).substr(0, 4) + ")";
    }
    return g;
}

/// The seed part of a mean's variance (s^2 / n) and its Satterthwaite denominator term.
struct SeedPart {
    double var = 0, dfTerm = 0;
    bool single = false;
};
SeedPart seedPart(const std::vector<double>& v)
{
    SeedPart s;
    if (v.size() < 2) {
        s.single = true;
        return s;
    }
    s.var = variance(v) / double(v.size());
    if (s.var < 1e-24) s.var = 0;  // identical values (rounding leaves ~1e-34): no seed spread
    s.dfTerm = s.var * s.var / double(v.size() - 1);
    return s;
}

double satterthwaite(double total, double dfTerms)
{
    return dfTerms > 0 ? total * total / dfTerms : kInf;
}

const char* kSingleNote = "one network: the seed-to-seed variation is not included";
const char* kNoImagesNote =
    "no per-image records: the test-image variation is not included (re-run the evaluation)";

}  // namespace

std::vector<double> standardGrid()
{
    std::vector<double> g;
    for (int k = 0; k <= 15; ++k) g.push_back(0.1 * k);
    for (double x : {2.0, 2.5, 3.0}) g.push_back(x);
    return g;
}

std::vector<double> paperGrid()
{
    std::vector<double> g;
    for (int k = 0; k <= 15; ++k) g.push_back(0.2 * k);
    return g;
}

std::vector<double> gridByName(const std::string& name)
{
    if (name == "standard") return standardGrid();
    if (name == "paper") return paperGrid();
    throw OptionsError("unknown endpoint grid '" + name + "' (expected standard or paper)");
}

double accuracyAt(const std::vector<double>& level, const std::vector<double>& accuracy, double at)
{
    const size_t n = std::min(level.size(), accuracy.size());
    for (size_t k = 0; k < n; ++k)
        if (sameLevel(level[k], at)) return accuracy[k];
    for (size_t k = 1; k < n; ++k)
        if (level[k - 1] < at && at < level[k])
            return accuracy[k - 1] + (accuracy[k] - accuracy[k - 1]) * (at - level[k - 1]) /
                                         (level[k] - level[k - 1]);
    return kNaN;
}

std::vector<double> chanceCorrected(const std::vector<double>& level,
                                    const std::vector<double>& accuracy, double chance,
                                    const std::vector<double>& grid)
{
    const double clean = accuracyAt(level, accuracy, 0);
    std::vector<double> out(grid.size(), kNaN);
    if (!(clean > chance)) return out;
    for (size_t k = 0; k < grid.size(); ++k)
        out[k] = (accuracyAt(level, accuracy, grid[k]) - chance) / (clean - chance);
    return out;
}

double chanceCorrectedAuc(const NetworkCurve& curve, const std::vector<double>& grid)
{
    return measureOf(curve.level, curve.accuracy, curve.chance, Measure::auc(), grid);
}

std::vector<double> isotonicDecreasing(const std::vector<double>& y)
{
    // Pool adjacent violators on blocks (mean, size) of the non-increasing fit.
    std::vector<double> mean;
    std::vector<size_t> size;
    for (double v : y) {
        mean.push_back(v);
        size.push_back(1);
        while (mean.size() > 1 && mean[mean.size() - 2] < mean.back()) {
            const size_t a = size[size.size() - 2], b = size.back();
            const double m =
                (mean[mean.size() - 2] * double(a) + mean.back() * double(b)) / double(a + b);
            mean.pop_back();
            size.pop_back();
            mean.back() = m;
            size.back() = a + b;
        }
    }
    std::vector<double> out;
    for (size_t k = 0; k < mean.size(); ++k) out.insert(out.end(), size[k], mean[k]);
    return out;
}

double sigma50(const NetworkCurve& curve, const std::vector<double>& grid)
{
    return measureOf(curve.level, curve.accuracy, curve.chance, Measure::sigma50(), grid);
}

double evaluate(const NetworkCurve& curve, const Measure& m, const std::vector<double>& grid)
{
    return measureOf(curve.level, curve.accuracy, curve.chance, m, grid);
}

Estimate estimate(const std::vector<NetworkCurve>& group, const Measure& m, const Options& o)
{
    Estimate e;
    e.networks = int(group.size());
    const auto g = valuesOf(group, m, o);
    e.unreached = g.unreached;
    if (!g.ok) {
        e.value = g.unreached && g.v.size() == size_t(g.unreached) ? kInf : kNaN;
        e.note = g.note;
        return e;
    }
    e.value = std::accumulate(g.v.begin(), g.v.end(), 0.0) / double(g.v.size());
    const auto s = seedPart(g.v);
    e.seedVariance = s.var;
    const auto reps = imageReplicates({&group}, m, o);
    e.imageLevel = !reps.empty();
    e.imageVariance = imageVariance(reps, {1.0});
    std::vector<std::string> notes;
    if (s.single) notes.push_back(kSingleNote);
    if (!e.imageLevel) notes.push_back(kNoImagesNote);
    for (const auto& n : notes) e.note += (e.note.empty() ? "" : "; ") + n;
    const double total = e.seedVariance + e.imageVariance;
    if (!(total > 0)) {
        e.note += std::string(e.note.empty() ? "" : "; ") + "no variation to estimate an interval";
        return e;
    }
    e.se = std::sqrt(total);
    e.df = satterthwaite(e.seedVariance, s.dfTerm);
    const double q = quantile(1 - o.alpha / 2, {e.df});
    e.low = e.value - q * e.se;
    e.high = e.value + q * e.se;
    return e;
}

Comparison compare(const std::vector<NetworkCurve>& a, const std::vector<NetworkCurve>& b,
                   const Measure& m, Hypothesis h, double margin, const Options& o)
{
    const auto ga = valuesOf(a, m, o), gb = valuesOf(b, m, o);
    if (!ga.ok || !gb.ok) {
        Comparison c;
        c.hypothesis = h;
        c.margin = margin;
        c.note = !ga.ok ? ga.note : gb.note;
        return c;
    }
    const double d = std::accumulate(ga.v.begin(), ga.v.end(), 0.0) / double(ga.v.size()) -
                     std::accumulate(gb.v.begin(), gb.v.end(), 0.0) / double(gb.v.size());
    const auto sa = seedPart(ga.v), sb = seedPart(gb.v);
    const auto reps = imageReplicates({&a, &b}, m, o);
    const double imageVar = imageVariance(reps, {1.0, -1.0}), total = sa.var + sb.var + imageVar;
    Comparison c =
        decide(d, std::sqrt(total), satterthwaite(sa.var + sb.var, sa.dfTerm + sb.dfTerm), h,
               margin, o.alpha);
    c.difference = d;
    c.imageLevel = !reps.empty();
    if (sa.single || sb.single) c.note = kSingleNote;
    if (!c.imageLevel) c.note += std::string(c.note.empty() ? "" : "; ") + kNoImagesNote;
    if (!(total > 0)) c.note += std::string(c.note.empty() ? "" : "; ") + "no variation to test";
    return c;
}

Comparison compareWith(const std::vector<NetworkCurve>& a, double value, const Measure& m,
                       Hypothesis h, double margin, const Options& o)
{
    const Estimate e = estimate(a, m, o);
    Comparison c = decide(e.value - value, e.se, e.df, h, margin, o.alpha);
    c.difference = e.value - value;
    c.imageLevel = e.imageLevel;
    c.note = e.note;
    return c;
}

}  // namespace dwmtj::core::endpoint
