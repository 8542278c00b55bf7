#pragma once
// The noise-robustness endpoint and the comparisons built on it (docs/models.md, "Primary
// endpoint"). Torch-free; used by the claims, the robustness study, `dwmtj noise --json` and
// `dwmtj robustness --json`.
//
// Per network: the chance-corrected accuracy a(l) = (acc(l) - c) / (acc(0) - c), c the chance
// level of the test images actually used (their largest class share), on a declared grid of
// noise levels (linear interpolation between evaluated levels). Its mean over the grid is the
// chance-corrected area under the curve (AUC, 1 = no loss, 0 = at chance everywhere);
// sigma50 is where a monotone (isotonic, non-increasing) fit of a(l) first reaches 0.5.
//
// Per group of networks (one per seed): the mean, with a 95 % interval whose variance adds
// the seed-to-seed part (s^2 / n) and the test-image part shared by the networks (a bootstrap
// over the test images, the same resampled images for every network, i.e. paired by image).
// The reference distribution is Student's t on the seed part's (Welch-Satterthwaite) df.
// A percentile bootstrap over 3 seeds can produce 10 distinct resamples and covers about
// 75 %; this interval covers 95 % (tests/core/endpoint_test.cpp checks it on simulated truth).
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace dwmtj::core::endpoint {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// One trained network's accuracy-vs-level curve on a fixed set of test images.
struct NetworkCurve {
    std::vector<double> level;     ///< increasing
    std::vector<double> accuracy;  ///< in [0, 1], per level
    /// Per level, per test image: 1 when classified correctly. Empty when not recorded (older
    /// files): the image part of the variance is then left out (Estimate::imageLevel false).
    std::vector<std::vector<uint8_t>> correct;
    double chance = 0.1;  ///< the largest class share of the test images used
};

/// 0 to 1.5 in steps of 0.1, then 2, 2.5, 3 (the default declared grid).
std::vector<double> standardGrid();
/// The paper's 16 levels 0, 0.2, ..., 3.
std::vector<double> paperGrid();
/// "standard" or "paper"; throws OptionsError otherwise.
std::vector<double> gridByName(const std::string& name);

/// Accuracy at `level` by linear interpolation between the curve's levels; NaN outside them.
double accuracyAt(const std::vector<double>& level, const std::vector<double>& accuracy, double at);
/// a(l) at each grid level; NaN entries where the curve does not cover the level, all NaN when
/// acc(0) <= chance (a network that never learned has no chance-corrected curve).
std::vector<double> chanceCorrected(const std::vector<double>& level,
                                    const std::vector<double>& accuracy, double chance,
                                    const std::vector<double>& grid);
/// Mean of chanceCorrected() over the grid; NaN when any grid level is not covered.
double chanceCorrectedAuc(const NetworkCurve& curve, const std::vector<double>& grid);
/// The pool-adjacent-violators fit: the non-increasing sequence nearest `y` in least squares.
std::vector<double> isotonicDecreasing(const std::vector<double>& y);
/// The first level where the isotonic fit of a(l) over the grid reaches 0.5 (linear between
/// grid levels); +infinity when it stays above 0.5; NaN when not computable.
double sigma50(const NetworkCurve& curve, const std::vector<double>& grid);

/// What is estimated per network.
struct Measure {
    enum Kind {
        Auc,              ///< chance-corrected AUC over the grid (the primary endpoint)
        Sigma50,          ///< level where the chance-corrected accuracy halves
        Accuracy,         ///< raw accuracy at `level`, in [0, 1]
        AboveChance,      ///< accuracy at `level` minus the chance level, in [0, 1]
        ChanceCorrected,  ///< a(level)
    } kind = Auc;
    double level = 0;
    static Measure auc() { return {Auc, 0}; }
    static Measure sigma50() { return {Sigma50, 0}; }
    static Measure accuracy(double l) { return {Accuracy, l}; }
    static Measure aboveChance(double l) { return {AboveChance, l}; }
    static Measure chanceCorrected(double l) { return {ChanceCorrected, l}; }
};
/// The measure of one network on its recorded accuracies.
double evaluate(const NetworkCurve& curve, const Measure& m, const std::vector<double>& grid);

struct Options {
    std::vector<double> grid = standardGrid();
    int imageResamples = 1000;  ///< bootstrap replicates over test images
    uint64_t seed = 20261205;   ///< of the image bootstrap
    double alpha = 0.05;        ///< 1 - the confidence of every interval
};

/// A group's estimate: the mean over its networks with its (1 - alpha) interval.
struct Estimate {
    double value = kNaN, low = kNaN, high = kNaN;
    double se = kNaN;
    double df = kNaN;  ///< of the seed part (infinite: one network or no spread)
    double seedVariance = 0, imageVariance = 0;  ///< the two parts of se^2
    int networks = 0;
    bool imageLevel = false;  ///< the image part is included (every curve has per-image records)
    int unreached = 0;        ///< Sigma50: networks whose curve never halves on the grid
    std::string note;         ///< why an interval is missing, or what it leaves out
    bool valid() const { return se > 0 && std::isfinite(value); }
};
Estimate estimate(const std::vector<NetworkCurve>& group, const Measure& m, const Options& o);

/// The hypothesis a comparison of a - b decides (margin m >= 0, in the measure's units):
/// TwoSided H1 d != 0; Superiority H1 d > m; NonInferiority H1 d > -m; Equivalence H1 |d| < m.
enum class Hypothesis { TwoSided, Superiority, NonInferiority, Equivalence };
const char* toString(Hypothesis h);

struct Comparison {
    Hypothesis hypothesis = Hypothesis::TwoSided;
    double difference = kNaN, low = kNaN, high = kNaN;  ///< a - b with its (1 - alpha) interval
    double se = kNaN, margin = 0;
    double df = kNaN;         ///< of the seed part (see Estimate)
    double p = kNaN;          ///< of the hypothesis
    double pAdjusted = kNaN;  ///< within its family (set by the caller: holm / BH)
    std::string family;
    /// The smallest true difference the test detects with 80 % power at alpha (for
    /// Equivalence: the smallest margin it shows with 80 % power when the true difference is 0).
    double minDetectable = kNaN;
    bool imageLevel = false;
    std::string note;
    bool valid() const { return se > 0 && std::isfinite(difference); }
};
/// a - b from two groups of networks tested on the same images (paired by image).
Comparison compare(const std::vector<NetworkCurve>& a, const std::vector<NetworkCurve>& b,
                   const Measure& m, Hypothesis h, double margin, const Options& o);
/// A group against a constant: mean(a) - value (image part from the same bootstrap).
Comparison compareWith(const std::vector<NetworkCurve>& a, double value, const Measure& m,
                       Hypothesis h, double margin, const Options& o);
/// The interval, p and minimum detectable effect of a difference with standard error `se`
/// and Student's t on `df` degrees of freedom (infinite: normal).
Comparison decide(double difference, double se, double df, Hypothesis h, double margin,
                  double alpha = 0.05);

/// Power of the two-sided (or one-sided) t test with noncentrality delta = effect / se.
double power(double delta, double df, double alpha, bool twoSided);
/// The effect (in units of se) detected with `target` power; the MDE is this times se.
double detectableDelta(double df, double alpha, double target, bool twoSided);

/// McNemar's exact test of two classifiers on the same images (per-image 1 = correct): the
/// two-sided binomial p of the discordant pairs (onlyA correct vs onlyB correct) at 1/2.
struct McNemar {
    int onlyA = 0, onlyB = 0;
    double p = kNaN;
};
McNemar mcnemarExact(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b);

/// Holm's step-down adjusted p-values (family-wise error), in the input order; NaN stays NaN.
std::vector<double> holm(const std::vector<double>& p);
/// Benjamini-Hochberg adjusted p-values (false discovery rate), in the input order.
std::vector<double> benjaminiHochberg(const std::vector<double>& p);

}  // namespace dwmtj::core::endpoint
