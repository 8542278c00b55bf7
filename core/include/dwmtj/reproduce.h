#pragma once
// `dwmtj reproduce`: the paper's experiments (resources/paper-experiments.ini) at a chosen
// scale, resumable, with the noise study, the claims table (measured values, a test, a
// verdict) and one HDF5 file holding every run. Figures and the report are written by
// the callers (the figures need the GUI's chart code); see writeReproductionReport().
// Torch-free facade (docs/architecture.md, "Layers").
#include <functional>
#include <limits>
#include <stop_token>
#include <string>
#include <vector>

#include "dwmtj/experiment.h"
#include "dwmtj/noise_endpoint.h"
#include "dwmtj/robustness.h"
#include "dwmtj/sweep.h"
#include "dwmtj/training.h"

namespace dwmtj::core {

enum class ReproScale { Smoke, Quick, Paper };
const char* toString(ReproScale s);
ReproScale reproScaleFromString(const std::string& s);  ///< throws OptionsError

struct ReproOptions {
    ReproScale scale = ReproScale::Quick;
    std::string lutBinary, lutMultiState;  ///< empty = the bundled LUTs
    std::string device = "cpu";
    std::string outDir;
    std::string dataDir;      ///< empty = the default Fashion-MNIST folder (smoke: the sample)
    std::string presetsPath;  ///< empty = resources/paper-experiments.ini
    int threads = 0;
    /// Seeds until decided: while a paper's claim is inconclusive (with a test possible), add
    /// one seed to the jobs it needs and evaluate again, up to this many seeds per job (0 =
    /// off). Each evaluation is a look; the adjusted p is multiplied by the number of looks
    /// (Bonferroni over looks), so stopping when a verdict appears cannot inflate its error.
    int seedsUntilDecided = 0;
};

/// One training configuration of the plan ("fig3c-multistate"): one experiment file.
struct ReproJob {
    std::string name;        ///< "fig3c-multistate"
    std::string experiment;  ///< "fig3c"
    std::string figure;      ///< "3c"
    std::string caption;
    TrainingConfig config;
    std::string path;    ///< outDir/runs/<name>.h5
    std::string beyond;  ///< the [beyond] set it belongs to; "" = the paper's experiments
};

/// A "beyond the paper" experiment set ([beyond NAME] in the presets): networks the paper
/// proposes or questions it raises but does not answer, compared with the pure networks of
/// one of its experiments, in the report's own section. Two kinds:
/// - "hybrid": networks with one neuron kind per layer, clean and under the [noise] section's
///   noise;
/// - "variability": the compared experiment's DW-MTJ networks evaluated under a
///   device-to-device V50 spread (`variability`), and networks trained hardware-aware at one
///   spread (`hardwareAwareV50Sd`), tested on the same devices as the nominal ones.
struct BeyondSet {
    std::string name;             ///< "hybrid-H500"
    std::string kind = "hybrid";  ///< "hybrid" or "variability"
    std::string question;         ///< what it answers, as the report states it
    std::string caption;
    std::string compare;  ///< the paper's [experiment] whose pure networks are the reference
    /// variability: the V50 spread levels (axis "v50", always with 0 and the hardware-aware
    /// spread), device draws per level and seed, the device seed (also the hardware-aware
    /// networks' device seed, so draw 0 at that spread is their devices) and the test images.
    VariabilityOptions variability;
    double hardwareAwareV50Sd = 0;  ///< variability: the spread [V] the networks train at
};

struct ReproPlan {
    ReproScale scale = ReproScale::Quick;
    std::string scaleDescription;  ///< what the scale changes, for the report
    std::vector<ReproJob> jobs;
    std::string noiseExperiment;  ///< the experiment whose networks get the noise study
    /// The claims to evaluate (ids from claimSpecs(); the presets' [claims] evaluate = ...;
    /// default all). Empty = all. makeReproPlan checks that their experiments exist.
    std::vector<std::string> claims;
    NoiseOptions noise;
    /// The robustness study ([study] in the presets): its choices run on the networks of
    /// these experiments (empty = no study) after their training.
    StudyOptions study;
    std::vector<std::string> studyExperiments;
    std::vector<BeyondSet> beyond;  ///< trained after the paper's jobs, with the noise study
    std::string presetsPath;
};
/// Reads the presets and builds the plan. Throws OptionsError / FileFormatError.
ReproPlan makeReproPlan(const ReproOptions& options);

/// A bundled presets file (resources/<name>.ini) that `dwmtj reproduce --presets NAME` and the
/// Reproduce page run.
struct ReproPresetInfo {
    std::string name;         ///< "paper-as-released" (ReproOptions::presetsPath takes it)
    std::string description;  ///< one line for menus and messages
};
/// The bundled presets, the default (paper-experiments) first.
const std::vector<ReproPresetInfo>& reproPresets();

/// Mean +/- sd of one group of runs (one value per seed).
struct GroupValues {
    std::string label;  ///< "multistate H500 T120: best validation accuracy"
    std::vector<double> values;
    double mean = std::numeric_limits<double>::quiet_NaN(), sd = 0;
    int n = 0;
};

/// A claim's verdict; the report and the workbench map it to words and colours.
enum class Verdict { Reproduced, NotReproduced, Inconclusive };
/// "reproduced", "not reproduced", "inconclusive at this scale".
const char* toString(Verdict v);

/// What a claim needs from the plan: an experiment (by [experiment] name; "" = the
/// [noise] section's networks) trained with these neuron kinds.
struct ClaimRequirement {
    std::string experiment;
    std::vector<NeuronKind> kinds;
};
/// A claim of the paper, one entry of the table in core/src/repro/claims.cpp.
struct ClaimSpec {
    std::string id;      ///< "mw-above-binary-H500-T80": presets' [claims], files, reports
    std::string claim;   ///< the paper's statement, in the report
    std::string figure;  ///< "3b"; "" for a claim made in the text
    std::string family;  ///< the multiplicity family its p is Holm-adjusted in; "" = no test
    std::vector<ClaimRequirement> needs;
};
/// Every claim the reproduction can evaluate, in report order, with what it needs.
const std::vector<ClaimSpec>& claimSpecs();

struct ClaimResult {
    std::string id;
    std::string claim;                ///< the paper's statement
    std::vector<GroupValues> groups;  ///< what was measured (percent, or pJ)
    std::string measured;             ///< the groups in words, with a derived value if any
    std::string test;                 ///< which test, or "none (a measured value)"
    double statistic = std::numeric_limits<double>::quiet_NaN();
    double pValue = std::numeric_limits<double>::quiet_NaN();
    Verdict verdict = Verdict::Inconclusive;
    std::string reason;  ///< why this verdict
    /// The estimate behind the verdict (docs/models.md, "Primary endpoint"): the deciding
    /// difference with its 95 % interval, the margin it was tested against and the smallest
    /// difference the test detects with 80 % power, all in `units`.
    std::string units;  ///< "accuracy points", "AUC points" (chance-corrected AUC x 100), ...
    double difference = std::numeric_limits<double>::quiet_NaN();
    double ciLow = std::numeric_limits<double>::quiet_NaN();
    double ciHigh = std::numeric_limits<double>::quiet_NaN();
    double margin = std::numeric_limits<double>::quiet_NaN();
    double minDetectable = std::numeric_limits<double>::quiet_NaN();
    /// Multiplicity: the family the claim is adjusted in, the method ("Holm",
    /// "Benjamini-Hochberg") and the adjusted p; verdicts are decided on the adjusted p.
    std::string family, adjustment;
    double pAdjusted = std::numeric_limits<double>::quiet_NaN();
};
/// Adjusts the p-values of one family (Holm for confirmatory claims, Benjamini-Hochberg at
/// q 0.05 for exploratory cells) and turns a verdict decided at p < 0.05 into "inconclusive"
/// when its adjusted p is not below 0.05 (the reason says so).
enum class Adjustment { Holm, BenjaminiHochberg };
void adjustFamily(const std::vector<ClaimResult*>& family, const std::string& name,
                  Adjustment method);

/// One network kind's values in a study row: one group per level (one value per seed).
struct StudySeries {
    NeuronKind kind = NeuronKind::Lif;
    std::string label;                    ///< "binary H500 T80"
    std::vector<GroupValues> accuracy;    ///< percent, per level
    std::vector<GroupValues> normalized;  ///< accuracy / clean accuracy, per level
};
/// One choice of a robustness study on one network configuration, with the paper's noise
/// claims tested on the primary endpoint (chance-corrected AUC over the choice's grid).
struct StudyRow {
    std::string choiceId, choiceLabel, choiceDescription, levelName;
    std::string network;  ///< "H500 T80", "+ trained with noise σ 0.5", "+ device gain x0.5"
    std::vector<double> levels;
    std::vector<double> grid;  ///< the endpoint's declared grid (noise_endpoint.h)
    double probe = std::numeric_limits<double>::quiet_NaN();  ///< the choice's (kept for files)
    bool probeAutomatic = false;
    std::vector<StudySeries> series;        ///< LIF, binary, multi-weight (those present)
    std::vector<GroupEndpoints> endpoints;  ///< per series: AUC and sigma50 with 95 % CIs
    ClaimResult binaryAboveLif;             ///< binary - LIF chance-corrected AUC (two-sided)
    ClaimResult multiAboveLif;              ///< multi-weight - LIF chance-corrected AUC (two-sided)
    ClaimResult lifBelow;       ///< both DW-MTJ AUCs above LIF's (Fig. 4b; intersection-union)
    ClaimResult mwBelowBinary;  ///< binary - multi-weight AUC (Fig. 4b)
    /// Both DW-MTJ networks keep half their chance-corrected accuracy to a higher level than LIF
    /// (sigma50, the secondary endpoint; intersection-union).
    ClaimResult degradesLess;
    /// Where the fitted LIF mean curve falls below both DW-MTJ curves (NaN: it does not), and
    /// the text with its 95 % interval over the networks.
    double crossing = std::numeric_limits<double>::quiet_NaN();
    std::string crossingText;
};
struct StudySummary {
    std::vector<StudyRow> rows;  ///< by choice (first appearance), then network
};
/// The study curves of these experiments grouped by choice and network configuration
/// (hidden size, time steps, training noise, trained device gain relative to the LUT's);
/// LIF files join every gain variant of their configuration. The cells compare the endpoint
/// (dwmtj/endpoint.h) and form one exploratory family (Benjamini-Hochberg, q 0.05).
StudySummary summarizeStudy(const std::vector<Experiment>& experiments);
/// The verdict table: column titles and one row of cells per StudyRow (the GUI's table).
/// A claim's cell reads "holds (p = ...)" (significant in the paper's direction),
/// "contradicted (p = ...)" (significant the other way) or "not shown (p = ...)".
std::vector<std::string> studyTableHeader();
std::vector<std::vector<std::string>> studyTableCells(const StudySummary& summary);
/// The test behind a cell of studyTableCells() (for tooltips), or nullptr.
const ClaimResult* studyTableClaim(const StudyRow& row, size_t column);
/// The same table as Markdown, for the CLI, README and report.
std::string studyTableMarkdown(const StudySummary& summary);

struct ReproJobResult {
    ReproJob job;
    Experiment experiment;   ///< checkpoints cleared
    double wallSeconds = 0;  ///< training (and noise) time of this session and earlier ones
    bool skipped = false;    ///< already complete in the output folder
};

/// What a "beyond the paper" set found: one row per network, one value group per column (per
/// run, in percent), and the answers, each a test.
/// - hybrid: columns "clean test accuracy", "normalized accuracy at the probe sigma"; roles
///   "reference" and "hybrid".
/// - variability: one column per spread level (per seed the mean over the device draws) and
///   one for the hardware-aware networks' own devices (the spread they trained at, draw 0);
///   roles "nominal" and "hardware-aware".
struct BeyondNetwork {
    std::string label;                ///< "binary / LIF H500 T80"
    std::string role;                 ///< "reference", "hybrid", "nominal", "hardware-aware"
    std::vector<GroupValues> values;  ///< one per BeyondResult::columns (n = 0: not measured)
};
struct BeyondResult {
    BeyondSet set;
    double probe = std::numeric_limits<double>::quiet_NaN();  ///< hybrid: the noise level compared
    std::vector<std::string> columns;                         ///< the value columns' titles
    std::vector<BeyondNetwork> networks;
    /// hybrid, per hybrid: "keeps LIF's clean accuracy" (non-inferiority within 1 point) and
    /// "keeps more of its accuracy under noise than LIF" (Welch, normalized accuracy at the
    /// probe). variability, per nominal DW-MTJ network: "loses accuracy at the hardware-aware
    /// spread" (paired by seed); per hardware-aware network: "above the nominal network on the
    /// same devices" (paired by seed) and "keeps the nominal network's clean accuracy"
    /// (paired non-inferiority within 1 point). Verdict Reproduced reads "yes", NotReproduced
    /// "no", Inconclusive "not shown".
    std::vector<ClaimResult> answers;
};

struct ReproResult {
    ReproPlan plan;
    std::vector<ReproJobResult> jobs;
    std::vector<ClaimResult> claims;
    std::vector<BeyondResult> beyond;  ///< the report's "Beyond the paper" section
    /// The paper's own comparison as a secondary analysis (evaluatePaperComparison).
    std::vector<ClaimResult> paperComparison;
    /// Seeds until decided: the number of evaluations (1 = none added) and, per job that
    /// grew, its final number of seeds.
    int looks = 1;
    std::vector<std::pair<std::string, int>> grownJobs;
    StudySummary study;                ///< "Which modelling choices decide the noise result"
    double energyPerSamplePaperJ = 0;  ///< E(V) at the paper's electrical parameters
    double wallSeconds = 0;
    bool complete = false;     ///< false when stopped
    std::string combinedPath;  ///< outDir/reproduction.h5
    Provenance provenance;
};

/// Progress while the plan runs (training batches come through the TrainingObserver part).
class ReproObserver : public TrainingObserver {
public:
    virtual void onJobStarted(int /*index*/, int /*count*/, const ReproJob&) {}
    virtual void onNoiseProgress(int /*done*/, int /*total*/) {}
};

/// The plan's training jobs as a sweep of explicit configurations (one per job, named like
/// it: "fig3c-multistate") x the scale's seeds, for `dwmtj reproduce --jobs N | --slurm`.
/// Throws Error when the jobs differ in more than neuron, size and LUT.
Sweep reproductionSweep(const ReproPlan& plan);
/// The folder where that sweep runs: outDir/sweep. runReproduction() first takes the
/// configurations it has finished, with every seed, as its runs/ files.
std::string reproductionSweepDir(const std::string& outDir);

/// Runs (or continues) the plan: each job trains into outDir/runs/<name>.h5 (complete
/// files are skipped, stopped ones resumed), the noise study runs on the chosen networks,
/// the claims are evaluated and outDir/reproduction.h5 gets every run and the claims.
/// A stop returns early with complete = false; everything finished so far is kept.
ReproResult runReproduction(const ReproOptions& options, ReproObserver& observer,
                            std::stop_token stop);

/// The claims from finished jobs (exposed for tests).
/// Bonferroni over `looks` sequential evaluations: multiplies each adjusted p by `looks` (at
/// most 1) and turns a verdict whose p no longer stays below 0.05 into "inconclusive".
void adjustForLooks(std::vector<ClaimResult>& claims, int looks);
std::vector<ClaimResult> evaluateClaims(const ReproPlan& plan,
                                        const std::vector<ReproJobResult>& jobs);
/// The "beyond the paper" sets from finished jobs (exposed for tests).
/// The paper's own comparison, a secondary analysis (Fig. 4 shows one network per kind): the
/// single best network of each kind in the noise experiment (by validation accuracy),
/// compared on the endpoint with an image-bootstrap CI (no seed part: one network each) and
/// image by image with McNemar's exact test at the clean level and at the grid level nearest
/// sigma 0.7; plus the share of seed combinations (one network per kind) in which the
/// paper's ordering holds. One Holm family. Empty when the plan leaves out the noise claims
/// or has no noise curves.
std::vector<ClaimResult> evaluatePaperComparison(const ReproPlan& plan,
                                                 const std::vector<ReproJobResult>& jobs);
std::vector<BeyondResult> evaluateBeyond(const ReproPlan& plan,
                                         const std::vector<ReproJobResult>& jobs);
/// "yes", "no", "not shown": a beyond answer's verdict in words.
const char* beyondAnswerText(Verdict v);

/// A figure written by the caller: file stem (PNG, SVG and CSV exist), title, caption.
struct ReportFigure {
    std::string stem, title, caption;
};
/// The claims table in a few lines of Markdown with the scale, seeds and software version:
/// what README.md and docs quote (written as outDir/summary.md), so no result is copied by
/// hand.
std::string summaryMarkdown(const ReproResult& result);
/// Writes outDir/report.md, outDir/report.html and outDir/summary.md (atomically). Returns
/// the HTML path.
std::string writeReproductionReport(const ReproResult& result,
                                    const std::vector<ReportFigure>& figures,
                                    const std::string& outDir);

}  // namespace dwmtj::core
