#pragma once
// The tables of the reproduction's report (report.cpp): one row list rendered as Markdown and
// as HTML, the number formats, and the tables built from the runs alone.
#include <string>
#include <vector>

#include "dwmtj/reproduce.h"

namespace dwmtj::core::report {

std::string fixed(double v, int decimals);
/// "m ± sd" of the values, "n/a" for none.
std::string meanSd(const std::vector<double>& v, int decimals);
std::string html(const std::string& s);
std::string md(const std::string& s);

struct Table {
    Table(std::vector<std::string> h) : header(std::move(h)) {}
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
    int verdictColumn = -1;  ///< the column coloured by rowVerdicts (HTML)
    std::vector<Verdict> rowVerdicts;
    bool colourStudyCells = false;  ///< colour "holds" / "contradicted" / "not shown" cells
};

std::string toMarkdown(const Table& t);
std::string toHtml(const Table& t);

/// NeuroBench's metrics per job, mean ± sd over its seeds (docs/models.md); no rows when no
/// run has them (files from before 0.2.0).
Table neuroBenchTable(const ReproResult& r);

}  // namespace dwmtj::core::report
