#pragma once
// The tests behind a claim's verdict (internal): per-seed groups, Welch t-tests, alpha 0.05.
// Used by the reproduction's claims and by the robustness study's verdict table.
#include <string>
#include <vector>

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

}  // namespace dwmtj::core::claimtest
