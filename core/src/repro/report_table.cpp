// The report's tables (report_table.h).
#include "repro/report_table.h"

#include <cmath>
#include <sstream>

#include "dwmtj/stats.h"
#include "dwmtj/training_config.h"

namespace dwmtj::core::report {

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

Table neuroBenchTable(const ReproResult& r)
{
    Table bench({"job", "network", "footprint (kB)", "connection sparsity",
                 "activation sparsity L1 / L2", "effective ACs per sample (millions)",
                 "dense SynOps per sample (millions)"});
    for (const auto& j : r.jobs) {
        std::vector<double> foot, conn, a1, a2, acs, dense;
        for (const auto& run : j.experiment.runs) {
            const auto& m = run.neurobench;
            if (!m.valid || m.activationSparsity.size() < 2) continue;
            foot.push_back(m.footprintBytes / 1e3);
            conn.push_back(m.connectionSparsity);
            a1.push_back(m.activationSparsity[0]);
            a2.push_back(m.activationSparsity[1]);
            acs.push_back(m.effectiveAcsPerSample / 1e6);
            dense.push_back(m.denseSynOpsPerSample / 1e6);
        }
        if (foot.empty()) continue;
        const auto& c = j.experiment.config;
        bench.rows.push_back({j.job.name,
                              layerKindsText(c.layerKinds()) + " H" + std::to_string(c.hidden) +
                                  " T" + std::to_string(c.timesteps),
                              meanSd(foot, 1), meanSd(conn, 4),
                              meanSd(a1, 3) + " / " + meanSd(a2, 3), meanSd(acs, 2),
                              meanSd(dense, 1)});
    }

    return bench;
}

}  // namespace dwmtj::core::report
