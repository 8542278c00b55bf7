// report.md and report.html of a reproduction: provenance, per-experiment results, the
// claims table and the figures. Both are built from the same rows.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "dwmtj/error.h"
#include "dwmtj/reproduce.h"
#include "dwmtj/stats.h"
#include "util/atomic_file.h"

namespace dwmtj::core {
namespace {

std::string fixed(double v, int decimals)
{
    if (!std::isfinite(v)) return "n/a";
    std::ostringstream s;
    s.setf(std::ios::fixed);
    s.precision(decimals);
    s << v;
    return s.str();
}

std::string meanSd(const std::vector<double>& v, int decimals)
{
    if (v.empty()) return "n/a";
    const auto s = stats::summarize(v);
    return fixed(s.mean, decimals) + " ± " + fixed(s.sd, decimals);
}

std::string html(const std::string& s)
{
    std::string o;
    for (char c : s) {
        if (c == '&')
            o += "&amp;";
        else if (c == '<')
            o += "&lt;";
        else if (c == '>')
            o += "&gt;";
        else if (c == '"')
            o += "&quot;";
        else
            o += c;
    }
    return o;
}

std::string md(const std::string& s)
{
    std::string o;
    for (char c : s) o += c == '|' ? std::string("\\|") : std::string(1, c);
    return o;
}

struct Table {
    Table(std::vector<std::string> h) : header(std::move(h)) {}
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
    int verdictColumn = -1;  ///< the column coloured by rowVerdicts (HTML)
    std::vector<Verdict> rowVerdicts;
    bool colourStudyCells = false;  ///< colour "holds" / "contradicted" / "not shown" cells
};

std::string toMarkdown(const Table& t)
{
    std::ostringstream o;
    o << "|";
    for (const auto& h : t.header) o << " " << md(h) << " |";
    o << "\n|";
    for (size_t k = 0; k < t.header.size(); ++k) o << " --- |";
    o << "\n";
    for (const auto& r : t.rows) {
        o << "|";
        for (const auto& c : r) o << " " << md(c) << " |";
        o << "\n";
    }
    return o.str();
}

std::string toHtml(const Table& t)
{
    std::ostringstream o;
    o << "<table>\n<tr>";
    for (const auto& h : t.header) o << "<th>" << html(h) << "</th>";
    o << "</tr>\n";
    for (std::size_t i = 0; i < t.rows.size(); ++i) {
        o << "<tr>";
        for (std::size_t k = 0; k < t.rows[i].size(); ++k) {
            const auto& c = t.rows[i][k];
            std::string cls;
            if (int(k) == t.verdictColumn && i < t.rowVerdicts.size()) {
                const Verdict v = t.rowVerdicts[i];
                cls = v == Verdict::Reproduced      ? "ok"
                      : v == Verdict::NotReproduced ? "no"
                                                    : "maybe";
            }
            if (t.colourStudyCells)
                cls = c.find("holds") != std::string::npos          ? "ok"
                      : c.find("contradicted") != std::string::npos ? "no"
                      : c.find("not shown") != std::string::npos    ? "maybe"
                                                                    : cls;
            o << "<td" << (cls.empty() ? "" : " class=\"" + cls + "\"") << ">" << html(c)
              << "</td>";
        }
        o << "</tr>\n";
    }
    o << "</table>\n";
    return o.str();
}

std::string pValueText(double p)
{
    if (!std::isfinite(p)) return "n/a";
    if (p < 1e-4) return "< 0.0001";
    std::ostringstream s;
    s.precision(3);
    s << p;
    return s.str();
}

}  // namespace

std::string writeReproductionReport(const ReproResult& r, const std::vector<ReportFigure>& figures,
                                    const std::string& outDir)
{
    Table prov({"item", "value"});
    prov.rows = {
        {"scale", std::string(toString(r.plan.scale)) + ": " + r.plan.scaleDescription},
        {"status", r.complete ? "complete"
                              : "stopped before the end: the tables show the jobs finished so far"},
        {"software",
         r.provenance.software +
             (r.provenance.gitHash.empty() ? "" : " (git " + r.provenance.gitHash + ")")},
        {"compute device", r.provenance.device},
        {"threads", std::to_string(r.provenance.threads)},
        {"BLAS and libraries", r.provenance.blas},
        {"linear-layer kernels", r.provenance.kernels},
        {"host", r.provenance.host},
        {"started / finished", r.provenance.startTime + " / " + r.provenance.endTime},
        {"wall time of this session", fixed(r.wallSeconds / 60, 1) + " min"},
        {"presets", r.plan.presetsPath},
        {"all runs in one file", "reproduction.h5 (HDF5: /experiments/<job>, /claims)"}};
    for (auto& row : prov.rows)
        for (auto& c : row)
            for (auto& ch : c)
                if (ch == '\n') ch = ';';

    Table exps({"job", "figure", "network", "seeds", "epochs", "best validation %", "test %",
                "training time (min)", "energy / inference (µJ)", "lookup table"});
    for (const auto& j : r.jobs) {
        const auto& e = j.experiment;
        std::vector<double> val, test, energy;
        for (const auto& run : e.runs) {
            if (std::isfinite(run.bestValidationAccuracy))
                val.push_back(100 * run.bestValidationAccuracy);
            if (std::isfinite(run.testAccuracy)) test.push_back(100 * run.testAccuracy);
            if (run.energy.valid) energy.push_back(run.energy.energyPerInferenceJ * 1e6);
        }
        std::string lut = "—";
        if (e.lut) {
            const auto it = e.lut->provenance.find("source_file");
            lut = it != e.lut->provenance.end()
                      ? std::filesystem::path(it->second).filename().string()
                      : "(no source recorded)";
        }
        exps.rows.push_back({j.job.name, j.job.figure,
                             layerKindsText(e.config.layerKinds()) + " H" +
                                 std::to_string(e.config.hidden) + " T" +
                                 std::to_string(e.config.timesteps),
                             std::to_string(e.runs.size()), std::to_string(e.config.epochs),
                             meanSd(val, 2), meanSd(test, 2), fixed(j.wallSeconds / 60, 1),
                             energy.empty() ? "—" : meanSd(energy, 3), lut});
    }

    // A claim's row: the estimate (difference with CI, minimum detectable effect), the raw
    // and the family-adjusted p, the verdict.
    const std::vector<std::string> claimHeader = {"claim (paper)",
                                                  "measured (mean ± sd, n seeds)",
                                                  "test",
                                                  "difference [95 % CI]",
                                                  "MDE (80 % power)",
                                                  "p",
                                                  "adjusted p",
                                                  "verdict",
                                                  "why"};
    auto claimRow = [](const ClaimResult& c, const std::string& verdict) {
        const std::string diff =
            std::isfinite(c.difference)
                ? fixed(c.difference, 2) +
                      (std::isfinite(c.ciLow)
                           ? " [" + fixed(c.ciLow, 2) + ", " + fixed(c.ciHigh, 2) + "]"
                           : std::string()) +
                      " " + c.units
                : std::string("—");
        const std::string mde = std::isfinite(c.minDetectable)
                                    ? fixed(c.minDetectable, 2) + " " + c.units
                                    : std::string("—");
        const std::string adj =
            std::isfinite(c.pAdjusted)
                ? pValueText(c.pAdjusted) + " (" + c.adjustment + ", " + c.family + ")"
                : std::string("—");
        return std::vector<std::string>{
            c.claim, c.measured, c.test, diff, mde, pValueText(c.pValue), adj, verdict, c.reason};
    };
    Table claims(claimHeader);
    claims.verdictColumn = 7;
    for (const auto& c : r.claims) {
        claims.rows.push_back(claimRow(c, toString(c.verdict)));
        claims.rowVerdicts.push_back(c.verdict);
    }
    Table paperStyle(claimHeader);
    paperStyle.verdictColumn = 7;
    for (const auto& c : r.paperComparison) {
        paperStyle.rows.push_back(claimRow(c, toString(c.verdict)));
        paperStyle.rowVerdicts.push_back(c.verdict);
    }
    const std::string paperStyleText =
        "A secondary analysis. The paper's Fig. 4 compares one network per kind; here the "
        "single best network of each kind (by validation accuracy) is compared on the endpoint "
        "with an interval over the test images only (one network cannot show the seed-to-seed "
        "spread, which the claims above include), and image by image (McNemar's exact test). "
        "The last part of 'measured' says how often the paper's ordering holds when any one "
        "network per kind is picked.";

    const std::string caveat =
        r.plan.scale == ReproScale::Paper
            ? "The full protocol. Verdicts need a Holm-adjusted p below 0.05 within the paper's "
              "claims."
            : std::string("Scale '") + toString(r.plan.scale) +
                  "' is smaller than the paper's protocol (see 'scale' under Provenance): a "
                  "verdict holds for these runs, "
                  "not for the paper's networks; 'inconclusive at this scale' means the numbers "
                  "cannot decide.";

    // Which modelling choices decide the noise result (the robustness study, if run).
    Table study(studyTableHeader());
    study.rows = studyTableCells(r.study);
    study.colourStudyCells = true;
    std::string studyText;
    if (!r.study.rows.empty()) {
        std::vector<std::string> holds, gentler;
        std::set<std::string> choices, networks;
        for (const auto& row : r.study.rows) {
            choices.insert(row.choiceId);
            networks.insert(row.network);
            const std::string where = row.choiceLabel + " (" + row.network + ")";
            if (row.lifBelow.verdict == Verdict::Reproduced) holds.push_back(where);
            if (row.degradesLess.verdict == Verdict::Reproduced) gentler.push_back(where);
        }
        auto list = [](const std::vector<std::string>& v) {
            std::string o;
            for (size_t k = 0; k < v.size(); ++k) o += (k ? "; " : "") + v[k];
            return o;
        };
        std::ostringstream t;
        t << "The paper leaves several modelling choices unstated. The study '" << r.plan.study.name
          << "' evaluates " << choices.size() << " of them on the " << networks.size()
          << " trained network configuration(s) (each choice on the best checkpoint of every seed, "
          << (r.plan.study.testLimit > 0 ? std::to_string(r.plan.study.testLimit) + " test images"
                                         : std::string("the full test set"))
          << "), and tests the paper's noise claims under each on the endpoint: the "
             "chance-corrected area under accuracy vs level (AUC x 100, with its 95 % CI) and "
             "sigma50 (docs/models.md). Differences carry their 95 % CI and the minimum "
             "detectable effect at 80 % power; the cells are one exploratory family "
             "(Benjamini-Hochberg, q 0.05): 'holds' = adjusted p below 0.05 in the paper's "
             "direction, 'contradicted' = in the opposite direction. ";
        t << (holds.empty()
                  ? "Under none of these choices does LIF fall significantly below both DW-MTJ "
                    "networks."
                  : "LIF falls significantly below both DW-MTJ networks under: " + list(holds) +
                        ".");
        t << " "
          << (gentler.empty()
                  ? "Under none do both DW-MTJ networks keep half their chance-corrected "
                    "accuracy to significantly higher noise than LIF (sigma50)."
                  : "Both DW-MTJ networks keep half their chance-corrected accuracy to "
                    "significantly higher noise than LIF (sigma50) under: " +
                        list(gentler) + ".");
        t << " Choices marked 'diagnostic' are not recommended settings: they show what a "
             "script with that mistake would report.";
        studyText = t.str();
    }

    // Beyond the paper: each set's networks and its answers, apart from the paper's claims.
    struct BeyondText {
        std::string title, intro;
        Table networks{{}};
        Table answers{{"question", "measured (mean ± sd, n seeds)", "test", "statistic", "p",
                       "answer", "why"}};
    };
    std::vector<BeyondText> beyond;
    for (const auto& b : r.beyond) {
        BeyondText t;
        t.title = "Beyond the paper: " + (b.set.caption.empty() ? b.set.name : b.set.caption);
        std::ostringstream intro;
        intro << b.set.question << " Not one of the paper's claims. ";
        if (b.set.kind == "variability") {
            const auto& o = b.set.variability;
            intro << "Every hidden neuron is one device with its own V50, shifted by N(0, sd²) "
                  << "(multi-weight: every notch threshold), drawn per network from device seed "
                  << o.seed << "; " << o.draws << " device draw(s) per spread level and seed, on "
                  << (o.testLimit > 0 ? std::to_string(o.testLimit) : std::string("all"))
                  << " test images. The nominal networks are the DW-MTJ networks of '"
                  << b.set.compare << "'; the hardware-aware ones trained on devices drawn at a "
                  << "V50 spread of " << b.set.hardwareAwareV50Sd
                  << " V (draw 1), where the nominal networks are tested too: paired by seed "
                     "and device. Accuracies are in percent, mean ± sd over seeds of the mean "
                     "over draws. ";
        } else {
            intro << "The paper proposes these networks in its conclusion but does not train "
                  << "them. Compared with the pure networks of '" << b.set.compare
                  << "', clean and on the noise endpoint (the chance-corrected area under "
                     "accuracy vs sigma, x 100; docs/models.md). ";
        }
        intro << "'yes' and 'no' need a Holm-adjusted p below 0.05 within the set; 'not shown' "
                 "means these runs cannot decide.";
        t.intro = intro.str();
        auto cell = [](const GroupValues& g) {
            return g.n ? meanSd(g.values, 2) + " (n = " + std::to_string(g.n) + ")" : "—";
        };
        t.networks.header = {"network", "role"};
        for (const auto& c : b.columns) t.networks.header.push_back(c);
        for (const auto& n : b.networks) {
            std::vector<std::string> row = {n.label, n.role};
            for (const auto& g : n.values) row.push_back(cell(g));
            row.resize(t.networks.header.size(), "—");
            t.networks.rows.push_back(std::move(row));
        }
        t.answers.header = claimHeader;
        t.answers.header[0] = "question";
        t.answers.verdictColumn = 7;
        for (const auto& c : b.answers) {
            t.answers.rows.push_back(claimRow(c, beyondAnswerText(c.verdict)));
            t.answers.rowVerdicts.push_back(c.verdict);
        }
        beyond.push_back(std::move(t));
    }

    std::ostringstream m;
    m << "# Reproduction of Leonard, Liu, Jin and Incorvia: stochastic DW-MTJ neurons\n\n"
      << caveat << "\n\n";
    m << "## Claims\n\n" << toMarkdown(claims) << "\n";
    if (!r.paperComparison.empty())
        m << "## The paper's comparison (one network per kind)\n\n"
          << paperStyleText << "\n\n"
          << toMarkdown(paperStyle) << "\n";
    if (!studyText.empty())
        m << "## Which modelling choices decide the noise result\n\n"
          << studyText << "\n\n"
          << toMarkdown(study) << "\n";
    for (const auto& b : beyond)
        m << "## " << b.title << "\n\n"
          << b.intro << "\n\n"
          << toMarkdown(b.networks) << "\n"
          << toMarkdown(b.answers) << "\n";
    m << "## Experiments\n\n" << toMarkdown(exps) << "\n";
    m << "## Figures\n\n";
    for (const auto& f : figures)
        m << "### " << f.title << "\n\n![" << f.title << "](figures/" << f.stem << ".png)\n\n"
          << f.caption << " ([SVG](figures/" << f.stem << ".svg), [CSV](figures/" << f.stem
          << ".csv))\n\n";
    m << "## Provenance\n\n" << toMarkdown(prov);

    std::ostringstream h;
    h << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>DW-MTJ reproduction "
         "report</title>\n"
      << "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
         "table{border-collapse:collapse;margin:1em 0;font-size:90%}td,th{border:1px solid "
         "#ccc;padding:4px 8px;vertical-align:top}"
         "th{background:#f0f3f6}td.ok{background:#e3f4e8}td.no{background:#fbe3e3}td.maybe{"
         "background:#fff6dc}"
         "img{max-width:100%;border:1px solid #ddd}</style></head><body>\n"
      << "<h1>Reproduction of Leonard, Liu, Jin and Incorvia: stochastic DW-MTJ neurons</h1>\n<p>"
      << html(caveat) << "</p>\n"
      << "<h2>Claims</h2>\n"
      << toHtml(claims);
    if (!r.paperComparison.empty())
        h << "<h2>The paper's comparison (one network per kind)</h2>\n<p>" << html(paperStyleText)
          << "</p>\n"
          << toHtml(paperStyle);
    if (!studyText.empty())
        h << "<h2>Which modelling choices decide the noise result</h2>\n<p>" << html(studyText)
          << "</p>\n"
          << toHtml(study);
    for (const auto& b : beyond)
        h << "<h2>" << html(b.title) << "</h2>\n<p>" << html(b.intro) << "</p>\n"
          << toHtml(b.networks) << toHtml(b.answers);
    h << "<h2>Experiments</h2>\n" << toHtml(exps) << "<h2>Figures</h2>\n";
    for (const auto& f : figures)
        h << "<h3>" << html(f.title) << "</h3>\n<img src=\"figures/" << html(f.stem)
          << ".png\" alt=\"" << html(f.title) << "\">\n<p>" << html(f.caption)
          << " (<a href=\"figures/" << html(f.stem) << ".svg\">SVG</a>, <a href=\"figures/"
          << html(f.stem) << ".csv\">CSV</a>)</p>\n";
    h << "<h2>Provenance</h2>\n" << toHtml(prov) << "</body></html>\n";

    const auto dir = std::filesystem::path(outDir);
    auto write = [](const std::filesystem::path& p, const std::string& text) {
        detail::writeAtomically(p.string(), [&](const std::string& tmp) {
            std::ofstream f(tmp, std::ios::binary);
            f << text;
            if (!f) throw Error(p.string() + ": cannot write the report");
        });
    };
    write(dir / "report.md", m.str());
    write(dir / "report.html", h.str());
    return (dir / "report.html").string();
}

}  // namespace dwmtj::core
