#pragma once
// The tests behind a claim's verdict (internal): per-seed groups, Welch t-tests, alpha 0.05.
// Used by the reproduction's claims and by the robustness study's verdict table.
#include <random>
#include <string>
#include <vector>

#include "dwmtj/endpoint.h"
#include "dwmtj/reproduce.h"
#include "dwmtj/stats.h"

namespace dwmtj::core::claimtest {

inline constexpr double kAlpha = 0.05;
inline constexpr Verdict kReproduced = Verdict::Reproduced;
inline constexpr Verdict kNotReproduced = Verdict::NotReproduced;
inline constexpr Verdict kInconclusive = Verdict::Inconclusive;
/// Equivalence margin of the "no difference" claims [accuracy points]: differences inside
/// +-1 point are taken as "similar accuracy" (the paper's curves differ by more elsewhere).
inline constexpr double kEquivalenceMargin = 1.0;

std::string pct(double v, int decimals = 2);  ///< fixed-point text
std::string pText(double p);                  ///< "p = 0.012", "p < 0.0001", "n/a"
/// Mean and sd of one value per seed, with a label.
GroupValues group(std::string label, std::vector<double> values);
/// "label 85.20 ± 0.31 % (n = 3)".
std::string describe(const GroupValues& g);
/// Groups, description and the Welch test; false (inconclusive) when no test is possible.
bool compareTwo(ClaimResult& c, const GroupValues& a, const GroupValues& b, stats::TTest& t);
/// "a above b" as a two-sided Welch test: reproduced / not reproduced / inconclusive.
void aboveClaim(ClaimResult& c, const GroupValues& a, const GroupValues& b);
/// hi1 > lo1 and hi2 > lo2, both significant: reproduced; a significant reversal in either:
/// not reproduced; else inconclusive. The caller sets groups, measured text and test.
void bothAboveClaim(ClaimResult& cl, const GroupValues& hi1, const GroupValues& lo1,
                    const GroupValues& hi2, const GroupValues& lo2);
/// The pure network of `kind` in `experiment`, or null.
const ReproJobResult* findJob(const std::vector<ReproJobResult>& jobs,
                              const std::string& experiment, NeuronKind kind);
/// The verdict of a "keeps the level" claim from its non-inferiority test `ni` and its
/// two-sided test `t` (named `test` in the reason) of the difference `mean` (a - b, points):
/// yes when non-inferiority is shown, no when a is significantly below b, else not shown.
void keepsLevelVerdict(ClaimResult& c, const stats::TTest& ni, const stats::TTest& t, double mean,
                       const std::string& test);
/// "a keeps b's level": non-inferiority within kEquivalenceMargin points (one-sided Welch):
/// yes when shown; no when a is significantly below b (Welch, two-sided) and it is not shown;
/// else not shown. A above b counts as keeping its level.
void keepsLevelClaim(ClaimResult& c, const GroupValues& a, const GroupValues& b);

using Curves = std::vector<endpoint::NetworkCurve>;
/// Below this chance-corrected accuracy a network is "at chance" (docs/models.md).
inline constexpr double kAtChance = 0.05;

/// The per-network values of a measure (x `scale`, e.g. 100 for points) as a group.
GroupValues measureGroup(std::string label, const Curves& curves, const endpoint::Measure& m,
                         const std::vector<double>& grid, double scale = 100);
/// The comparison's difference, interval, margin, minimum detectable effect (x `scale`), p and
/// units into the claim.
void setEstimate(ClaimResult& c, const endpoint::Comparison& cmp, const std::string& units,
                 double scale = 100);
/// The interval, margin and minimum detectable effect of a difference of per-seed values (in
/// points) with standard error `se` on `df` degrees of freedom, without touching the claim's
/// p (its test is the caller's).
void setInterval(ClaimResult& c, double difference, double se, double df, endpoint::Hypothesis h,
                 double margin);
/// "cannot tell differences smaller than 4.1 AUC points (80 % power)".
std::string cannotTell(const ClaimResult& c);
/// "a above b" on an endpoint measure: the two-sided test of a - b (paired by image):
/// reproduced when significant in the claim's direction, not reproduced when significant the
/// other way, else inconclusive with the minimum detectable effect.
void endpointAbove(ClaimResult& c, const Curves& a, const Curves& b, const GroupValues& ga,
                   const GroupValues& gb, const endpoint::Measure& m, const endpoint::Options& o,
                   const std::string& units);
/// hi1 above lo1 and hi2 above lo2 (an intersection-union test: both two-sided tests must be
/// significant in the claim's direction; p is the larger p). A significant reversal in either
/// is "not reproduced". The groups and measured text are the caller's.
void endpointBothAbove(ClaimResult& c, const Curves& hi1, const Curves& lo1, const Curves& hi2,
                       const Curves& lo2, const endpoint::Measure& m, const endpoint::Options& o,
                       const std::string& units, const std::string& name1,
                       const std::string& name2);
/// Every network of every group has a chance-corrected accuracy below kAtChance at `level`.
bool allAtChance(const std::vector<const Curves*>& groups, double level,
                 const std::vector<double>& grid);
/// The level from which the mean accuracy of `low` stays below the means of both `high1` and
/// `high2` (each mean curve fitted monotone first), interpolated between grid levels; NaN
/// when it never does. `pick`, if given, resamples each group's networks (a bootstrap
/// replicate).
double crossingLevel(const Curves& low, const Curves& high1, const Curves& high2,
                     const std::vector<double>& grid, std::mt19937_64* pick);
/// "sigma 0.62 (95 % CI over the networks 0.40..0.81; ...)" or why there is none.
std::string crossingText(const Curves& low, const Curves& high1, const Curves& high2,
                         const std::vector<double>& grid, uint64_t seed, double& point);
inline constexpr const char* kNoInformation = "all networks at chance: no information";

}  // namespace dwmtj::core::claimtest
