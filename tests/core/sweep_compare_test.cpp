// A sweep's declared comparisons (dwmtj/sweep_compare.h): the [compare NAME] sections, seeds
// added to single configurations of a sweep folder, and the outcomes on experiments with known
// differences (shown, ruled out, undecided), Holm within the sweep and Bonferroni over looks.
// The whole loop (training until decided) is checked by cli.sweep_decided.
#include "dwmtj/sweep_compare.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "design_test_util.h"
#include "dwmtj/error.h"
#include "dwmtj/sweep.h"
#include "test_paths.h"

using namespace dwmtj::core;
using dwmtj::core::design_testing::experiment;
using dwmtj::core::design_testing::writeFile;

namespace {

const char* kSweep = R"([sweep cmp]
format_version = 1
seeds = 0-2
epochs = 1

[config lif]
neuron = lif
hidden = 16
timesteps = 4

[config binary]
neuron = binary
hidden = 16
timesteps = 4

[noise]
sigma = 0, 0.5, 1

[compare kinds]
a = lif
b = binary
measure = accuracy
)";

Sweep sweepWith(const std::string& compare)
{
    return loadSweep(writeFile("cmp.sweep", std::string(kSweep) + compare));
}

void expectRefused(const std::string& text, const char* words)
{
    try {
        loadSweep(writeFile("cmp-bad.sweep", text));
        ADD_FAILURE() << "accepted:\n" << text;
    } catch (const FileFormatError& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("cmp-bad.sweep"), std::string::npos) << m;
        EXPECT_NE(m.find(words), std::string::npos) << m;
    }
}

}  // namespace

TEST(SweepCompareFile, ReadsWritesAndRefusesComparisons)
{
    const Sweep s = sweepWith("hypothesis = equivalence\nmargin = 0.02\n");
    ASSERT_EQ(s.comparisons.size(), 1u);
    const SweepComparison& c = s.comparisons[0];
    EXPECT_EQ(c.name, "kinds");
    EXPECT_EQ(c.a, "lif");
    EXPECT_EQ(c.b, "binary");
    EXPECT_EQ(c.measure, "accuracy");
    EXPECT_EQ(c.hypothesis, "equivalence");
    EXPECT_DOUBLE_EQ(c.margin, 0.02);
    // Written back and read again: the same comparison.
    const std::string copy = tmpPath("cmp-copy.sweep");
    writeSweepFile(s, copy, "copy");
    const Sweep back = loadSweep(copy);
    ASSERT_EQ(back.comparisons.size(), 1u);
    EXPECT_EQ(back.comparisons[0].hypothesis, "equivalence");
    EXPECT_DOUBLE_EQ(back.comparisons[0].margin, 0.02);
    const std::string base = kSweep;
    expectRefused(base + "[compare x]\na = lif\nb = lif-H500\n",
                  "[compare x] b: expected a configuration of the sweep (lif, binary)");
    expectRefused(base + "[compare x]\na = lif\nb = lif\n", "two different configurations");
    expectRefused(base + "[compare x]\na = lif\nb = binary\nhypothesis = better\n",
                  "two-sided, superiority, non-inferiority or equivalence");
    expectRefused(base + "[compare x]\na = lif\nb = binary\nhypothesis = equivalence\n",
                  "a margin > 0");
    expectRefused(base + "[compare x]\na = lif\nb = binary\nmeasure = energy\n",
                  "auc, sigma50 or accuracy");
    expectRefused(base + "[compare kinds]\na = lif\nb = binary\n", "a name used once");
    std::string noNoise = base;
    noNoise.erase(noNoise.find("[noise]"), std::string("[noise]\nsigma = 0, 0.5, 1\n").size());
    expectRefused(noNoise, "a [noise] section whose sigma grid starts at 0");
}

TEST(SweepCompareFolder, AddedSeedsBecomeTasksAfterThePlannedOnes)
{
    const std::string file = writeFile("cmp.sweep", kSweep);
    const std::string dir = tmpPath("cmp-folder");
    std::filesystem::remove_all(dir);
    prepareSweepFolder(file, dir);
    const auto planned = sweepTasks(loadSweepFolder(dir));
    ASSERT_EQ(planned.size(), 6u);
    // An edited comparison (the same tasks) replaces the folder's until seeds are added.
    const std::string edited =
        writeFile("cmp-edited.sweep", std::string(kSweep) + "hypothesis = superiority\n");
    prepareSweepFolder(edited, dir);
    EXPECT_EQ(loadSweepFolder(dir).comparisons.at(0).hypothesis, "superiority");
    const auto added = addSweepSeeds(dir, {"binary"});
    ASSERT_EQ(added.size(), 1u);
    EXPECT_EQ(added[0].id, "binary-seed3");  // the next after 0-2
    EXPECT_EQ(added[0].index, 6);
    const auto more = addSweepSeeds(dir, {"lif", "binary"});
    ASSERT_EQ(more.size(), 2u);
    EXPECT_EQ(more[0].id, "lif-seed3");
    EXPECT_EQ(more[1].id, "binary-seed4");
    const auto tasks = sweepTasks(loadSweepFolder(dir));
    ASSERT_EQ(tasks.size(), 9u);
    for (size_t k = 0; k < planned.size(); ++k) EXPECT_EQ(tasks[k].id, planned[k].id) << k;
    EXPECT_EQ(tasks[8].id, "binary-seed4");
    EXPECT_EQ(tasks[8].config.seeds, (std::vector<uint64_t>{4}));
    EXPECT_EQ(tasks[8].file, "tasks/binary/seed4.h5");
    try {  // after looks were taken for them, the comparisons stay
        prepareSweepFolder(file, dir);
        FAIL() << "the comparisons changed after seeds were added";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("comparisons changed"), std::string::npos) << e.what();
    }
    // A damaged line is named with its file and line.
    std::ofstream(std::filesystem::path(dir) / "added-seeds.tsv", std::ios::app) << "lif\tx\n";
    try {
        loadSweepFolder(dir);
        FAIL() << "a bad line was accepted";
    } catch (const FileFormatError& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("added-seeds.tsv"), std::string::npos) << m;
        EXPECT_NE(m.find("line 5"), std::string::npos) << m;
    }
    EXPECT_THROW(addSweepSeeds(tmpPath("cmp-folder-none"), {"lif"}), Error);
}

TEST(SweepCompareOutcome, KnownDifferencesAreShownRuledOutOrUndecided)
{
    // Clean accuracies per seed on 1000 test images each (design_test_util: curves with
    // per-image records). lif 0.85 vs binary 0.70: 15 points apart.
    const std::map<std::string, Experiment> apart = {
        {"lif", experiment({0.84, 0.85, 0.86}, 1e-9)},
        {"binary", experiment({0.69, 0.70, 0.71}, 1e-9)}};
    auto one = [&](const std::string& compare, const std::map<std::string, Experiment>& results,
                   int looks = 1) {
        const auto r = compareSweepResults(sweepWith(compare), results, looks);
        EXPECT_EQ(r.size(), 1u);
        return r.front();
    };
    const auto shown = one("", apart);
    EXPECT_EQ(shown.outcome, ComparisonOutcome::Shown);
    EXPECT_NEAR(shown.test.difference, 0.15, 1e-9);
    EXPECT_LT(shown.test.low, 0.15);
    EXPECT_GT(shown.test.high, 0.15);
    EXPECT_EQ(shown.networksA, 3);
    EXPECT_NE(shown.verdict.find("lif is above binary: lif - binary = +15.00 ["), std::string::npos)
        << shown.verdict;
    // Better by more than 30 points? The interval lies below 0.30: ruled out (futility).
    const auto ruledOut = one("hypothesis = superiority\nmargin = 0.3\n", apart);
    EXPECT_EQ(ruledOut.outcome, ComparisonOutcome::RuledOut);
    EXPECT_NE(ruledOut.verdict.find("is not better than binary by 30.00"), std::string::npos)
        << ruledOut.verdict;
    // Equal groups: two-sided undecided, with the smallest difference it could tell; equivalent
    // within 5 points.
    const std::map<std::string, Experiment> equal = {
        {"lif", experiment({0.79, 0.80, 0.81}, 1e-9)},
        {"binary", experiment({0.80, 0.81, 0.79}, 1e-9)}};
    const auto undecided = one("", equal);
    EXPECT_EQ(undecided.outcome, ComparisonOutcome::Undecided);
    EXPECT_GT(undecided.test.minDetectable, 0);
    EXPECT_NE(undecided.verdict.find("cannot tell differences smaller than"), std::string::npos);
    EXPECT_EQ(one("hypothesis = equivalence\nmargin = 0.05\n", equal).outcome,
              ComparisonOutcome::Shown);
    // Looks: the adjusted p is the raw one (one comparison) times the looks, at most 1.
    const auto threeLooks = one("", equal, 3);
    EXPECT_NEAR(threeLooks.test.pAdjusted, std::min(1.0, 3 * undecided.test.p), 1e-12);
    // One network on a side: the spread between seeds is unknown, so undecided whatever the
    // images say; a side without networks is missing.
    const auto single =
        one("", {{"lif", experiment({0.85}, 1e-9)}, {"binary", experiment({0.70}, 1e-9)}});
    EXPECT_EQ(single.outcome, ComparisonOutcome::Undecided);
    EXPECT_NE(single.verdict.find("one network on a side"), std::string::npos);
    EXPECT_EQ(one("", {{"lif", experiment({0.85}, 1e-9)}}).outcome, ComparisonOutcome::Missing);
    // Growth: the undecided comparison's configurations, until they have MAX networks.
    EXPECT_EQ(configurationsToGrow({undecided}, 5), (std::vector<std::string>{"lif", "binary"}));
    EXPECT_TRUE(configurationsToGrow({undecided}, 3).empty());
    EXPECT_TRUE(configurationsToGrow({shown}, 5).empty());
    const std::string report = sweepComparisonReport({shown, undecided}, 2);
    EXPECT_NE(report.find("x 2 looks"), std::string::npos) << report;
}

// Holm within the sweep: two comparisons, the adjusted p of the smaller is twice its raw p.
TEST(SweepCompareOutcome, HolmWithinTheSweep)
{
    const std::map<std::string, Experiment> results = {
        {"lif", experiment({0.80, 0.82, 0.81}, 1e-9)},
        {"binary", experiment({0.74, 0.76, 0.75}, 1e-9)}};
    const Sweep s = sweepWith(
        "[compare again]\na = binary\nb = lif\nmeasure = accuracy\nhypothesis = "
        "superiority\nmargin = 0\n");
    const auto r = compareSweepResults(s, results, 1);
    ASSERT_EQ(r.size(), 2u);
    const auto adjusted = endpoint::holm({r[0].test.p, r[1].test.p});
    EXPECT_DOUBLE_EQ(r[0].test.pAdjusted, adjusted[0]);
    EXPECT_DOUBLE_EQ(r[1].test.pAdjusted, adjusted[1]);
    EXPECT_EQ(r[0].test.family, "sweep cmp");
    // binary better than lif: the interval lies below 0, ruled out.
    EXPECT_EQ(r[1].outcome, ComparisonOutcome::RuledOut);
}
