// The reproduction's plan from the presets, and the claims' verdicts on runs with known
// values: a claim is only called reproduced or not reproduced when the test supports it.
// (Seeds until decided, the beyond-the-paper answers and the equivalence and chance
// intervals: reproduce_answers_test.cpp.)
#include "reproduce_test_util.h"

using namespace dwmtj::core;
using namespace dwmtj::core::testing;

TEST(Reproduce, SmokePlanFollowsThePresets)
{
    const auto p = smokePlan();
    // 4 experiments x 3 neuron types, then the beyond sets' 2 hybrids and 2 hardware-aware
    // networks
    ASSERT_EQ(p.jobs.size(), 16u);
    for (size_t k = 0; k < 12; ++k) EXPECT_TRUE(p.jobs[k].beyond.empty()) << p.jobs[k].name;
    EXPECT_EQ(p.jobs[12].name, "hybrid-H500-binary-lif");
    EXPECT_EQ(p.jobs[12].beyond, "hybrid-H500");
    EXPECT_EQ(p.jobs[12].config.neuronLabel(), "binary / LIF");
    EXPECT_EQ(p.jobs[13].config.neuronLabel(), "LIF / binary");
    EXPECT_EQ(p.jobs[13].config.hidden, 100);
    ASSERT_EQ(p.beyond.size(), 2u);
    EXPECT_EQ(p.beyond[0].kind, "hybrid");
    EXPECT_EQ(p.beyond[0].compare, "fig3b-H500");
    EXPECT_NE(p.beyond[0].question.find("hybrid"), std::string::npos);
    // The variability set: hardware-aware networks on devices drawn at V50 sd 0.1 V with the
    // set's device seed; the compared networks' evaluation at its levels on the noise images.
    const BeyondSet& v = p.beyond[1];
    EXPECT_EQ(v.kind, "variability");
    EXPECT_EQ(v.compare, "fig3b-H500");
    EXPECT_EQ(v.hardwareAwareV50Sd, 0.1);
    ASSERT_EQ(v.variability.axes.size(), 1u);
    EXPECT_EQ(v.variability.axes[0].id, "v50");
    EXPECT_EQ(v.variability.axes[0].levels, (std::vector<double>{0, 0.05, 0.1, 0.2}));
    EXPECT_EQ(v.variability.draws, 2);
    EXPECT_EQ(v.variability.seed, 7u);
    EXPECT_EQ(v.variability.testLimit, 300);  // the scale's noise_test_limit
    for (size_t k : {14u, 15u}) {
        const auto& c = p.jobs[k].config;
        EXPECT_EQ(p.jobs[k].beyond, "variability-H500");
        EXPECT_TRUE(c.hardwareAware()) << p.jobs[k].name;
        EXPECT_EQ(c.variability.v50Sd, 0.1);
        EXPECT_EQ(c.variability.widthSdRel, 0.0);
        EXPECT_EQ(c.variability.seed, 7u);
        EXPECT_EQ(c.hidden, 100);
    }
    EXPECT_EQ(p.jobs[14].name, "variability-H500-binary");
    EXPECT_EQ(p.jobs[15].config.neuron, NeuronKind::MultiState);
    for (size_t k = 0; k < 14; ++k) EXPECT_FALSE(p.jobs[k].config.variability.any());
    EXPECT_EQ(p.jobs[0].name, "fig3b-H500-lif");
    EXPECT_EQ(p.jobs[0].config.hidden, 100);  // 500 x 0.2
    EXPECT_EQ(p.jobs[0].config.timesteps, 16);
    EXPECT_EQ(p.jobs[0].config.seeds.size(), 2u);
    EXPECT_EQ(p.jobs[6].experiment, "fig3c");
    EXPECT_EQ(p.jobs[6].config.timesteps, 24);  // 120 x 0.2
    EXPECT_EQ(p.noiseExperiment, "fig3b-H500");
    EXPECT_EQ(p.noise.sigmas.size(), 7u);  // 0 to 3 by 0.5
    EXPECT_NE(p.scaleDescription.find("sample"), std::string::npos);
    EXPECT_NE(p.jobs[0].path.find("runs/fig3b-H500-lif.h5"), std::string::npos);
}

TEST(Reproduce, StudyFollowsThePresets)
{
    const auto smoke = smokePlan();
    EXPECT_EQ(smoke.studyExperiments, std::vector<std::string>{"fig3b-H500"});  // study_networks
    EXPECT_EQ(smoke.study.testLimit, 100);
    EXPECT_EQ(smoke.study.choices.size(), 10u);
    ReproOptions q =
        smokeOptions(std::string(DWMTJ_SOURCE_DIR) + "/resources/paper-experiments.ini");
    q.scale = ReproScale::Quick;
    const auto quick = makeReproPlan(q);
    EXPECT_EQ(quick.studyExperiments,
              (std::vector<std::string>{"fig3b-H500", "fig3b-H200", "fig3c", "fig3d"}));  // all
    EXPECT_EQ(quick.study.testLimit, 500);
    // An unknown network or preset names the section.
    const std::string src = std::string(DWMTJ_SOURCE_DIR) + "/tests/data/repro-tiny.ini";
    for (const auto& [from, to, needle] :
         {std::tuple<std::string, std::string, std::string>{"networks = all", "networks = fig9",
                                                            "'fig9'"},
          {"preset = paper-noise", "preset = loud", "unknown study preset 'loud'"}}) {
        std::ifstream in(src);
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        text.replace(text.find(from), from.size(), to);
        const std::string path = scratch() + "/study.ini";
        std::ofstream(path) << text;
        try {
            makeReproPlan(smokeOptions(path));
            ADD_FAILURE() << to;
        } catch (const FileFormatError& e) {
            EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find("[study]"), std::string::npos) << e.what();
        }
    }
}

TEST(Reproduce, BadPresetsNameTheFileAndSection)
{
    const std::string path = scratch() + "/bad.ini";
    {
        std::ofstream f(path);
        f << "[experiment x]\nfigure = 3b\nhidden = many\ntimesteps = 80\nneurons = "
             "lif\n[noise]\nnetworks = x\n"
             "sigma_from = 0\nsigma_to = 3\nseed = 1\n[scale smoke]\nseeds = 1\nepochs = "
             "1\nhidden_factor = 1\n"
             "timesteps_factor = 1\ntrain_limit = 0\nvalidation = 500\ntest_limit = "
             "0\nnoise_test_limit = 0\nsigma_step = 1\n";
    }
    ReproOptions o = smokeOptions(path);
    try {
        makeReproPlan(o);
        FAIL() << "expected FileFormatError";
    } catch (const FileFormatError& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("bad.ini"), std::string::npos) << m;
        EXPECT_NE(m.find("hidden"), std::string::npos) << m;
        EXPECT_NE(m.find("many"), std::string::npos) << m;
    }
    o.scale = ReproScale::Paper;  // no [scale paper] section
    EXPECT_THROW(makeReproPlan(o), FileFormatError);
    EXPECT_THROW(reproScaleFromString("huge"), OptionsError);
}

TEST(Reproduce, ClaimsFollowTheNumbers)
{
    const auto p = smokePlan();
    std::vector<ReproJobResult> jobs;
    // Fig. 3b H500: multi-weight clearly above binary (5 seeds each): reproduced.
    jobs.push_back(job(p, "fig3b-H500-multistate", {85.0, 85.2, 85.1, 85.3, 84.9},
                       std::vector<std::vector<double>>(5, curve(p, 84, 30))));
    jobs.push_back(job(p, "fig3b-H500-binary", {83.0, 83.2, 83.1, 83.3, 82.9},
                       std::vector<std::vector<double>>(5, curve(p, 83, 40))));
    // LIF: highest clean, at chance under heavy noise.
    std::vector<std::vector<double>> lifNoise;
    for (int s = 0; s < 5; ++s) lifNoise.push_back(curve(p, 87 + 0.1 * s, 10 + 0.1 * s));
    jobs.push_back(job(p, "fig3b-H500-lif", {87.0, 87.1, 87.2, 87.3, 87.4}, lifNoise));
    // Spread in the noisy curves so that the t tests have variance.
    for (auto& j : jobs)
        for (size_t s = 0; s < j.experiment.runs.size(); ++s)
            for (auto& a : j.experiment.runs[s].noise[0].accuracy) a += 0.001 * double(s);
    // Fig. 3b H200: equal groups (no difference); Fig. 3c: binary clearly above (the opposite
    // of the paper); Fig. 3d: only 2 seeds (too few to call "no difference").
    // (Tight enough that equivalence within 1 point survives Holm's adjustment.)
    jobs.push_back(job(p, "fig3b-H200-multistate", {80.0, 80.1, 80.2, 80.1, 80.0}));
    jobs.push_back(job(p, "fig3b-H200-binary", {80.05, 80.1, 80.15, 80.05, 80.1}));
    jobs.push_back(job(p, "fig3c-multistate", {80.0, 80.1, 80.2, 80.3, 80.4}));
    jobs.push_back(job(p, "fig3c-binary", {84.0, 84.1, 84.2, 84.3, 84.4}));
    jobs.push_back(job(p, "fig3d-multistate", {80.0, 81.0}));
    jobs.push_back(job(p, "fig3d-binary", {80.5, 81.5}));
    const auto claims = evaluateClaims(p, jobs);

    const auto& above = claim(claims, "mw-above-binary-H500-T80");
    EXPECT_EQ(above.verdict, Verdict::Reproduced);
    EXPECT_LT(above.pValue, 1e-4);
    ASSERT_EQ(above.groups.size(), 2u);
    EXPECT_NEAR(above.groups[0].mean, 85.1, 1e-9);
    EXPECT_EQ(above.groups[0].n, 5);
    EXPECT_EQ(claim(claims, "no-difference-H200").verdict, Verdict::Reproduced);
    EXPECT_EQ(claim(claims, "mw-above-binary-T120").verdict, Verdict::NotReproduced);
    EXPECT_EQ(claim(claims, "no-difference-T40").verdict, Verdict::Inconclusive);
    EXPECT_EQ(claim(claims, "lif-highest-clean").verdict, Verdict::Reproduced);
    EXPECT_EQ(claim(claims, "lif-below-dwmtj-under-noise").verdict, Verdict::Reproduced);
    EXPECT_EQ(claim(claims, "mw-below-binary-under-noise").verdict,
              Verdict::Reproduced);  // 30 % < 40 %
    EXPECT_EQ(claim(claims, "sigma3-chance").verdict, Verdict::Reproduced);
    EXPECT_EQ(claim(claims, "energy-per-sample").verdict, Verdict::Reproduced);
    EXPECT_NE(claim(claims, "energy-per-sample").measured.find("44.68 pJ"), std::string::npos);
    // Every tested claim is Holm-adjusted in one family; the noise claims carry the endpoint's
    // difference with its interval and minimum detectable effect.
    for (const auto& c : claims) {
        if (c.id == "energy-per-sample") continue;
        EXPECT_EQ(c.family, "the paper's claims") << c.id;
        EXPECT_EQ(c.adjustment, "Holm") << c.id;
        if (std::isfinite(c.pValue)) {
            EXPECT_GE(c.pAdjusted, c.pValue) << c.id;
        }
    }
    const auto& lifBelow = claim(claims, "lif-below-dwmtj-under-noise");
    EXPECT_EQ(lifBelow.units, "AUC points");
    EXPECT_LT(lifBelow.ciLow, lifBelow.difference);
    EXPECT_GT(lifBelow.ciHigh, lifBelow.difference);
    EXPECT_GT(lifBelow.minDetectable, 0);
    EXPECT_NE(lifBelow.measured.find("below both DW-MTJ curves from sigma"), std::string::npos);

    // Without any runs nothing can be decided.
    for (const auto& c : evaluateClaims(p, {}))
        if (c.id != "energy-per-sample") {
            EXPECT_EQ(c.verdict, Verdict::Inconclusive) << c.id;
        }

    // The report lists every claim with its verdict.
    ReproResult r;
    r.plan = p;
    r.jobs = jobs;
    r.claims = claims;
    const std::string dir = scratch();
    const std::string html =
        writeReproductionReport(r, {{"fig3b-validation", "Fig. 3b", "caption"}}, dir);
    std::ifstream md(dir + "/report.md");
    const std::string text((std::istreambuf_iterator<char>(md)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("| not reproduced |"), std::string::npos);
    EXPECT_NE(text.find("figures/fig3b-validation.png"), std::string::npos);
    EXPECT_NE(text.find("85.10 ± 0.16 % (n = 5)"), std::string::npos);
    EXPECT_TRUE(std::filesystem::exists(html));
    // The generated summary (what the README quotes): scale, seeds, every claim's estimate.
    std::ifstream sm(dir + "/summary.md");
    const std::string summary((std::istreambuf_iterator<char>(sm)),
                              std::istreambuf_iterator<char>());
    EXPECT_NE(summary.find("scale `smoke`"), std::string::npos) << summary;
    EXPECT_NE(summary.find("2-5 seeds per job"), std::string::npos) << summary;
    EXPECT_NE(summary.find("] AUC points |"), std::string::npos) << summary;
    EXPECT_NE(summary.find("(Holm)"), std::string::npos) << summary;
    std::filesystem::remove_all(scratch());
}

// The claims are one table (claims.cpp): every entry is evaluated once, in table order, with
// its own wording, and adjusted in its own family; a plan's [claims] selection keeps the
// order and the families of the claims it keeps.
TEST(Reproduce, EveryClaimOfTheTableIsEvaluatedWithItsWordingAndFamily)
{
    const auto p = smokePlan();
    const auto& specs = claimSpecs();
    ASSERT_GE(specs.size(), 9u);
    const auto claims = evaluateClaims(p, {});
    ASSERT_EQ(claims.size(), specs.size());
    for (size_t i = 0; i < specs.size(); ++i) {
        EXPECT_EQ(claims[i].id, specs[i].id);
        EXPECT_EQ(claims[i].claim, specs[i].claim);
        EXPECT_FALSE(specs[i].claim.empty()) << specs[i].id;
        EXPECT_EQ(claims[i].family, specs[i].family) << specs[i].id;
        if (!specs[i].figure.empty()) {
            EXPECT_NE(specs[i].claim.find("Fig. " + specs[i].figure), std::string::npos)
                << specs[i].id;
        }
        for (size_t j = 0; j < i; ++j) EXPECT_NE(specs[i].id, specs[j].id);
    }
    auto some = p;
    some.claims = {specs.back().id, specs.front().id};
    const auto kept = evaluateClaims(some, {});
    ASSERT_EQ(kept.size(), 2u);
    EXPECT_EQ(kept[0].id, specs.front().id);  // table order, not the selection's
    EXPECT_EQ(kept[1].id, specs.back().id);
}

TEST(Reproduce, ThePapersOwnComparisonUsesOneNetworkPerKindAndTheImages)
{
    const auto p = smokePlan();
    // 3 seeds per kind; per-image records on 400 images: image i is right at a level when
    // i < accuracy x 400 (so the images a network gets right are nested across levels and
    // shared across networks). Binary holds up best under noise, LIF worst.
    auto run = [&](const std::string& name, double clean, double floor) {
        std::vector<std::vector<double>> noisy;
        for (int s = 0; s < 3; ++s) noisy.push_back(curve(p, clean - s, floor - s));
        ReproJobResult j = job(p, name, {clean, clean - 1, clean - 2}, noisy);
        for (auto& r : j.experiment.runs)
            for (auto& c : r.noise) {
                for (double& a : c.accuracy) {
                    a = std::round(a * 400) / 400;
                    std::vector<uint8_t> hit(400);
                    for (int i = 0; i < 400; ++i) hit[size_t(i)] = i < a * 400;
                    c.correct.push_back(hit);
                }
                c.chance = 0.1;
            }
        return j;
    };
    const std::vector<ReproJobResult> jobs = {run("fig3b-H500-lif", 87, 12),
                                              run("fig3b-H500-binary", 83, 45),
                                              run("fig3b-H500-multistate", 84, 30)};
    const auto c = evaluatePaperComparison(p, jobs);
    ASSERT_EQ(c.size(), 3u);
    for (const auto& x : c) {
        EXPECT_EQ(x.verdict, Verdict::Reproduced) << x.id << ": " << x.reason;
        EXPECT_EQ(x.adjustment, "Holm");
        EXPECT_NE(x.measured.find("McNemar at sigma 0:"), std::string::npos) << x.measured;
        EXPECT_NE(x.measured.find("holds in 27 of 27 combinations"), std::string::npos)
            << x.measured;
        EXPECT_NE(x.reason.find("one network"), std::string::npos) << x.reason;
    }
    // The best network by validation accuracy is seed 0 of each kind.
    EXPECT_NE(c[0].groups[0].label.find("binary seed 0"), std::string::npos);
}

TEST(Reproduce, HolmTurnsAVerdictDecidedAtRawPIntoInconclusive)
{
    // Three claims "reproduced" at raw p 0.01, 0.03, 0.04: Holm gives 0.03, 0.06, 0.06, so
    // only the first keeps its verdict; the others say why they changed.
    std::vector<ClaimResult> c(3);
    const double p[] = {0.01, 0.03, 0.04};
    std::vector<ClaimResult*> family;
    for (int k = 0; k < 3; ++k) {
        c[size_t(k)].pValue = p[k];
        c[size_t(k)].verdict = Verdict::Reproduced;
        family.push_back(&c[size_t(k)]);
    }
    adjustFamily(family, "a family", Adjustment::Holm);
    EXPECT_NEAR(c[0].pAdjusted, 0.03, 1e-12);
    EXPECT_NEAR(c[1].pAdjusted, 0.06, 1e-12);
    EXPECT_EQ(c[0].verdict, Verdict::Reproduced);
    EXPECT_EQ(c[1].verdict, Verdict::Inconclusive);
    EXPECT_EQ(c[2].verdict, Verdict::Inconclusive);
    EXPECT_NE(c[1].reason.find("not significant after Holm adjustment within a family"),
              std::string::npos);
    // Benjamini-Hochberg at q 0.05 keeps all three (adjusted 0.03, 0.04, 0.04).
    for (auto& x : c) x.verdict = Verdict::Reproduced;
    adjustFamily(family, "cells", Adjustment::BenjaminiHochberg);
    for (const auto& x : c) EXPECT_EQ(x.verdict, Verdict::Reproduced);
}

TEST(Reproduce, LooksMultiplyTheAdjustedP)
{
    // Three looks: an adjusted p of 0.02 becomes 0.06 and its verdict inconclusive; 0.01
    // stays significant (0.03).
    std::vector<ClaimResult> c(2);
    c[0].pAdjusted = 0.02;
    c[1].pAdjusted = 0.01;
    for (auto& x : c) {
        x.verdict = Verdict::Reproduced;
        x.adjustment = "Holm";
    }
    adjustForLooks(c, 3);
    EXPECT_NEAR(c[0].pAdjusted, 0.06, 1e-12);
    EXPECT_EQ(c[0].verdict, Verdict::Inconclusive);
    EXPECT_NE(c[0].reason.find("3 looks"), std::string::npos);
    EXPECT_EQ(c[1].verdict, Verdict::Reproduced);
    EXPECT_EQ(c[1].adjustment, "Holm x 3 looks");
}

TEST(Reproduce, VariabilitySetsAreCheckedInThePresets)
{
    const std::string src = std::string(DWMTJ_SOURCE_DIR) + "/resources/paper-experiments.ini";
    for (const auto& [from, to, needle] :
         {std::tuple<std::string, std::string, std::string>{"kind = variability", "kind = spread",
                                                            "hybrid, variability or mechanism"},
          {"neurons = binary, multistate", "neurons = binary, lif", "DW-MTJ neuron kinds"},
          {"neurons = binary, multistate", "neurons = binary/lif", "DW-MTJ neuron kinds"},
          {"hardware_aware_v50_sd = 0.1", "hardware_aware_v50_sd = 0", "(0, 1] V"},
          {"spread_levels = 0, 0.05", "spread_levels = 0, -0.05", "'-0.05'"},
          {"draws = 2", "draws = 1.5", "whole number of device draws"}}) {
        std::ifstream in(src);
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        ASSERT_NE(text.find(from), std::string::npos) << from;
        text.replace(text.find(from), from.size(), to);
        const std::string path = scratch() + "/variability.ini";
        std::ofstream(path) << text;
        try {
            makeReproPlan(smokeOptions(path));
            ADD_FAILURE() << to;
        } catch (const FileFormatError& e) {
            EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find("variability-H500"), std::string::npos)
                << e.what();
        }
    }
    std::filesystem::remove_all(scratch());
}

TEST(Reproduce, PresetsWithoutAClaimsExperimentAreAnErrorNamingIt)
{
    const std::string path = scratch() + "/partial.ini";
    const std::string common =
        "[experiment fig3b-H500]\nfigure = 3b\nhidden = 40\ntimesteps = 8\nneurons = lif, binary, "
        "multistate\n"
        "[noise]\nnetworks = fig3b-H500\nsigma_from = 0\nsigma_to = 3\nseed = 1\n[scale "
        "smoke]\nseeds = 2\nepochs = 1\n"
        "hidden_factor = 1\ntimesteps_factor = 1\ntrain_limit = 0\nvalidation = 500\ntest_limit = "
        "0\n"
        "noise_test_limit = 0\nsigma_step = 1\n";
    ReproOptions o = smokeOptions(path);
    std::ofstream(path) << common;
    try {
        makeReproPlan(o);
        FAIL() << "expected FileFormatError";
    } catch (const FileFormatError& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("fig3b-H200"), std::string::npos) << m;  // the first claim it cannot test
        EXPECT_NE(m.find("no-difference-H200"), std::string::npos) << m;
    }
    // Naming the claims it can test makes the plan valid; an unknown id is an error.
    std::ofstream(path) << common
                        << "[claims]\nevaluate = mw-above-binary-H500-T80, sigma3-chance\n";
    const auto plan = makeReproPlan(o);
    EXPECT_EQ(plan.claims, (std::vector<std::string>{"mw-above-binary-H500-T80", "sigma3-chance"}));
    EXPECT_EQ(evaluateClaims(plan, {}).size(), 2u);
    std::ofstream(path) << common
                        << "[claims]\nevaluate = mw-above-binary-H500-T80, no-such-claim\n";
    EXPECT_THROW(makeReproPlan(o), FileFormatError);
}
