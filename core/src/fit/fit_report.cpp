#include "dwmtj/fit_report.h"

#include <cmath>
#include <cstdio>
#include <string>

namespace dwmtj::core {
namespace {

std::string format(const char* fmt, auto... args)
{
    char buf[512];
    std::snprintf(buf, sizeof buf, fmt, args...);
    return buf;
}

/// A parameter in the drive's unit: V50 [V] -> I50 [mA] for a current-driven device.
FitParameter shown(FitParameter p, const DriveDisplay& d)
{
    if (p.unit != "V") return p;
    p.name = driveName(p.name, d.symbol == "I" ? Drive::Current : Drive::Voltage);
    p.unit = d.unit;
    p.value *= d.factor;
    p.standardError *= d.factor;
    p.lower *= d.factor;
    p.upper *= d.factor;
    return p;
}

/// The model line "p(V) = ... (V - V50)/w" in the drive's symbol.
std::string model(std::string line, const DriveDisplay& d)
{
    if (d.symbol == "V") return line;
    for (const char* from : {"(V)", "(V -", "| V)", "V50", "V_k"}) {
        const std::string f = from;
        std::string t = f;
        t[t.find('V')] = 'I';
        for (auto i = line.find(f); i != std::string::npos; i = line.find(f, i + t.size()))
            line.replace(i, f.size(), t);
    }
    return line;
}

std::string parameterLine(const FitParameter& raw, const DriveDisplay& d)
{
    const FitParameter p = shown(raw, d);
    const std::string se = std::isfinite(p.standardError) ? format("s.e. %.5f", p.standardError)
                                                          : std::string("s.e. n/a");
    return format("  %-8s = %10.5f %-2s  (%s; 95 %% CI %.5f .. %.5f%s)\n", p.name.c_str(), p.value,
                  p.unit.c_str(), se.c_str(), p.lower, p.upper,
                  p.interval == "Wald" ? "" : (", " + p.interval).c_str());
}

std::string pvalue(double p) { return std::isfinite(p) ? format("%.4g", p) : std::string("n/a"); }

std::string nestedLine(const char* what, const NestedModelTest& t, const char* fullName,
                       const char* reducedName)
{
    if (!t.available) return {};
    return format(
        "  %s:\n    LR = %.4f on %d d.o.f., p = %s; null law %s\n    AIC %s %.4f vs %s %.4f\n",
        what, t.statistic, t.dof, pvalue(t.pValue).c_str(), t.reference.c_str(), fullName,
        t.fullAic, reducedName, t.reducedAic);
}

/// The logistic width w as the widths a device paper quotes: from 10 % to 90 % switching is
/// 2 ln 9 w = 4.394 w, from 25 % to 75 % 2 ln 3 w = 2.197 w (the interval scales with it).
std::string widthConversions(const std::vector<FitParameter>& parameters, const DriveDisplay& d)
{
    for (const auto& raw : parameters)
        if (raw.name == "w") {
            const FitParameter p = shown(raw, d);
            const char* u = p.unit.c_str();
            return format(
                "  10-90 %% width = 2 ln 9 w = %.5f %s (95 %% CI %.5f .. %.5f); 25-75 %% "
                "width = 2 ln 3 w = %.5f %s\n",
                kWidth10To90 * p.value, u, kWidth10To90 * p.lower, kWidth10To90 * p.upper,
                kWidth25To75 * p.value, u);
        }
    return {};
}

}  // namespace

std::string formatEstimateTable(const std::vector<ProportionEstimate>& est, const DriveDisplay& d)
{
    std::string s = format("  %11s   switches     trials    p (MLE)   95 %% Wilson interval\n",
                           d.axisLabel().c_str());
    for (const auto& e : est) {
        if (e.trialsKnown)
            s += format("  %11.4f %10.0f %10.0f %10.5f   %.5f .. %.5f\n", d.shown(e.voltage),
                        e.switches, e.trials, e.p, e.lower, e.upper);
        else
            s += format("  %11.4f %10s %10s %10.5f   (no trial counts)\n", d.shown(e.voltage), "-",
                        "-", e.p);
    }
    return s;
}

std::string formatSigmoidReport(const SigmoidFit& f, const DriveDisplay& d)
{
    std::string s = format("Sigmoid fit (%s, %s), %d %ss, %d iterations\n",
                           f.form == SigmoidForm::TwoParameter ? "2-parameter" : "4-parameter",
                           toString(f.method), f.pointsUsed, d.quantity.c_str(), f.iterations);
    s += model(f.form == SigmoidForm::TwoParameter
                   ? "  p(V) = 1 / (1 + exp(-(V - V50)/w))\n"
                   : "  p(V) = floor + (ceiling - floor) / (1 + exp(-(V - V50)/w))\n",
               d);
    for (const auto& p : f.parameters) s += parameterLine(p, d);
    s += widthConversions(f.parameters, d);
    s += "  " + f.convergence + "\n";
    if (f.method == FitMethod::BinomialMaximumLikelihood) {
        s += format("  log-likelihood = %.4f   AIC = %.4f\n", f.logLikelihood, f.aic);
        s += format("  deviance = %.4f   Pearson chi^2 = %.4f on %d d.o.f., p = %s\n", f.deviance,
                    f.pearsonChi2, f.degreesOfFreedom, pvalue(f.pearsonPValue).c_str());
        s += nestedLine("floor/ceiling vs the 2-parameter model", f.floorCeilingTest, "4-parameter",
                        "2-parameter");
    } else {
        s += format("  residual sum of squares = %.6g on %d d.o.f.   AIC = %.4f\n",
                    f.residualSumSquares, f.degreesOfFreedom, f.aic);
    }
    for (const auto& w : f.warnings) s += "  warning: " + w + "\n";
    return s;
}

std::string formatMultiStateTable(const MultiStateDeviceData& d, const DriveDisplay& drive)
{
    std::string s = format("  %11s", drive.axisLabel().c_str());
    for (int k = 1; k <= d.numStates; ++k) s += format("   S%-4d", k);
    s += "  cycles\n";
    for (std::size_t i = 0; i < d.voltages.size(); ++i) {
        s += format("  %11.4f", drive.shown(d.voltages[i]));
        double n = 0;
        for (double c : d.stateCounts[i]) n += c;
        for (double c : d.stateCounts[i]) s += format("  %5.3f", n > 0 ? c / n : 0.0);
        s += format("  %6.0f\n", n);
    }
    return s;
}

std::string formatOrdinalReport(const OrdinalFit& f, const DriveDisplay& d)
{
    std::string s = format(
        "Ordinal (cumulative-logit) fit, K = %d states, %s, multinomial maximum likelihood, %d "
        "iterations\n",
        f.numStates, f.commonWidth ? "common width (proportional odds)" : "one width per threshold",
        f.iterations);
    s += model(f.commonWidth ? "  P(state >= k | V) = 1 / (1 + exp(-(V - V_k)/w)),  k = 2..K\n"
                             : "  P(state >= k | V) = 1 / (1 + exp(-(V - V_k)/w_k)),  k = 2..K\n",
               d);
    s += "  curves ordered over the measured " + d.quantity + "s by construction\n";
    for (std::size_t i = 0; i < f.thresholds.size(); ++i) {
        s += parameterLine(f.thresholds[i], d);
        if (!f.commonWidth || i + 1 == f.thresholds.size()) s += parameterLine(f.widths[i], d);
    }
    s += "  " + f.convergence + "\n";
    s += format("  log-likelihood = %.4f   AIC = %.4f\n", f.logLikelihood, f.aic);
    s += format("  deviance = %.4f   Pearson chi^2 = %.4f on %d d.o.f., p = %s\n", f.deviance,
                f.pearsonChi2, f.degreesOfFreedom, pvalue(f.pearsonPValue).c_str());
    s += nestedLine("common width vs one width per threshold", f.commonWidthTest, "separate widths",
                    "common width");
    for (const auto& w : f.warnings) s += "  warning: " + w + "\n";
    return s;
}

}  // namespace dwmtj::core
