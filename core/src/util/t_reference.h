#pragma once
// The reference distribution of the endpoint's intervals and tests (internal; endpoint.cpp
// and decision.cpp). docs/models.md, "Primary endpoint".
#include <limits>

namespace dwmtj::core::endpoint::detail {

inline constexpr double kInf = std::numeric_limits<double>::infinity();
/// Above this many degrees of freedom the t distribution is taken as normal.
inline constexpr double kNormalDf = 1e6;

/// (estimate - truth) / se: Student's t on the seed part's degrees of freedom, although se^2
/// also holds the test-image part (known far better, from a thousand resamples of thousands
/// of images). Counting that part with infinite df (Welch-Satterthwaite over both parts)
/// covers only 92-94 % at 3 seeds on simulated truth: the df grow exactly when the seed
/// variance is underestimated. With the seed df the interval covers 95-96 % when the seeds
/// dominate (thousands of test images) and is conservative (up to 98 %) when the image part
/// dominates (tests/core/endpoint_test.cpp).
struct Reference {
    double nu = kInf;
    bool normal() const { return nu >= kNormalDf; }
};
double survival(double t, const Reference& ref);  ///< P(T > t)
double quantile(double p, const Reference& ref);  ///< the p-quantile of T

}  // namespace dwmtj::core::endpoint::detail
