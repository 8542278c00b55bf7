#include "reproduce/figures.h"

#include <QBuffer>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <QPainter>
#include <QSaveFile>
#include <QSvgGenerator>
#include <cmath>
#include <functional>
#include <memory>
#include <optional>

#include "charts/band_chart.h"
#include "charts/chart_export.h"
#include "charts/live_chart.h"
#include "charts/probability_chart.h"
#include "dwmtj/device_io.h"
#include "dwmtj/estimate.h"
#include "dwmtj/fashion_mnist.h"
#include "dwmtj/ordinal_fit.h"
#include "dwmtj/sigmoid_fit.h"
#include "dwmtj/training.h"

namespace dwmtj::ui {
namespace {

constexpr int kWidth = 900, kHeight = 600;

/// "binary / LIF H500 T80": the registry's labels.
QString networkName(const core::TrainingConfig& c)
{
    return QStringLiteral("%1 H%2 T%3")
        .arg(QString::fromStdString(c.neuronLabel()))
        .arg(c.hidden)
        .arg(c.timesteps);
}

/// Lays the view out off screen (so it draws) and writes PNG, SVG and CSV.
void writeView(QChartView* view, const QString& dir, const QString& stem, QStringList& errors)
{
    view->setAttribute(Qt::WA_DontShowOnScreen);
    view->resize(kWidth, kHeight);
    view->show();
    if (auto* band = dynamic_cast<BandChart*>(view)) band->flush();
    if (auto* live = dynamic_cast<LiveChart*>(view)) live->flush();
    // Let the chart lay out its legend and axes before it is rendered.
    for (int k = 0; k < 3; ++k) QCoreApplication::processEvents();
    for (const char* suffix : {"png", "svg"}) {
        const QString e =
            exportChart(view, QDir(dir).filePath(stem + QLatin1Char('.') + QLatin1String(suffix)));
        if (!e.isEmpty()) errors << e;
    }
    const QString e = exportChartCsv(view, QDir(dir).filePath(stem + QStringLiteral(".csv")));
    if (!e.isEmpty()) errors << e;
    view->hide();
}

const core::ReproJobResult* firstJob(const core::ReproResult& r, core::NeuronKind kind)
{
    for (const auto& j : r.jobs)
        if (!j.job.config.hybrid() && j.job.config.neuron == kind && j.experiment.lut) return &j;
    return nullptr;
}

/// The device data the LUT was built from, when its recorded source file is still readable
/// and of the expected kind (else the figure falls back to the LUT's own curves).
std::optional<core::DeviceData> lutSourceData(const core::Lut& lut, core::DeviceKind kind)
{
    const auto it = lut.provenance.find("source_file");
    if (it == lut.provenance.end() || !QFileInfo::exists(QString::fromStdString(it->second)))
        return std::nullopt;
    try {
        auto d = core::loadDeviceFile(it->second);
        if (d.kind == kind) return d;
    } catch (const std::exception&) {
    }
    return std::nullopt;
}

QString fileName(const core::DeviceData& d)
{
    return QFileInfo(QString::fromStdString(d.sourcePath)).fileName();
}

/// Fig. 2d: the binary device's p(V): its data and fit when the LUT's source file is
/// readable, else the LUT curve itself.
bool fig2d(const core::ReproResult& r, const QString& dir, QStringList& errors)
{
    const auto* j = firstJob(r, core::NeuronKind::Binary);
    if (!j) return false;
    const core::Lut& lut = *j->experiment.lut;
    if (const auto d = lutSourceData(lut, core::DeviceKind::Binary)) {
        try {
            ProbabilityChart view;
            const auto fit = core::fitSigmoid(d->binary.counts, d->binary.trialsKnown);
            view.showBinary(core::estimateProportions(d->binary), fit,
                            QObject::tr("Binary DW-MTJ: switching probability per pulse (%1)")
                                .arg(fileName(*d)));
            writeView(&view, dir, QStringLiteral("fig2d-binary-switching"), errors);
            return true;
        } catch (const std::exception&) {
            // no fit: fall through to the LUT curve
        }
    }
    LiveChart view(QObject::tr("Binary DW-MTJ: switching probability of the lookup table"),
                   QObject::tr("pulse voltage V [V]"), QObject::tr("probability"));
    for (size_t i = 0; i < lut.voltage.size(); ++i)
        view.addPoint(QStringLiteral("p(V)"), QPointF(lut.voltage[i], lut.curves[0][i]));
    writeView(&view, dir, QStringLiteral("fig2d-binary-switching"), errors);
    return true;
}

/// Fig. 2e: the multi-weight device's state probabilities (data and ordinal fit, or the LUT).
bool fig2e(const core::ReproResult& r, const QString& dir, QStringList& errors)
{
    const auto* j = firstJob(r, core::NeuronKind::MultiState);
    if (!j) return false;
    const core::Lut& lut = *j->experiment.lut;
    if (const auto d = lutSourceData(lut, core::DeviceKind::MultiState)) {
        try {
            ProbabilityChart view;
            view.showMultiState(
                d->multi, core::fitOrdinal(d->multi),
                QObject::tr("Multi-weight DW-MTJ: state probabilities (%1)").arg(fileName(*d)));
            writeView(&view, dir, QStringLiteral("fig2e-multiweight-states"), errors);
            return true;
        } catch (const std::exception&) {
            // no fit: fall through to the LUT curves
        }
    }
    LiveChart view(QObject::tr("Multi-weight DW-MTJ: state probabilities of the lookup table"),
                   QObject::tr("pulse voltage V [V]"), QObject::tr("probability"));
    const int K = lut.numStates;
    for (size_t i = 0; i < lut.voltage.size(); ++i)
        for (int k = 1; k <= K; ++k) {
            const double upper = k == 1 ? 1.0 : lut.curves[size_t(k - 2)][i];
            const double next = k == K ? 0.0 : lut.curves[size_t(k - 1)][i];
            view.addPoint(QObject::tr("state %1").arg(k), QPointF(lut.voltage[i], upper - next));
        }
    writeView(&view, dir, QStringLiteral("fig2e-multiweight-states"), errors);
    return true;
}

/// Validation accuracy per epoch, mean +/- sd across seeds, one group per job of the figure.
bool accuracyFigure(const core::ReproResult& r, const std::string& figure, const QString& title,
                    const QString& dir, const QString& stem, QStringList& errors)
{
    BandChart view(title, QObject::tr("epoch"), QObject::tr("validation accuracy (%)"));
    view.setIntegerX(true);
    bool any = false;
    for (const auto& j : r.jobs) {
        if (j.job.figure != figure) continue;
        const auto& c = j.experiment.config;
        const QString group = networkName(c);
        for (const auto& run : j.experiment.runs)
            for (int k = 0; k < run.epochsDone(); ++k) {
                view.setValue(group, k + 1, QStringLiteral("seed %1").arg(run.seed),
                              100 * run.epochValidationAccuracy[size_t(k)]);
                any = true;
            }
    }
    if (any) writeView(&view, dir, stem, errors);
    return any;
}

/// Noise curves of the jobs `pick` accepts (Fig. 4b/c: the [noise] networks; a beyond set).
bool noiseFigure(const core::ReproResult& r, bool normalized, const QString& title,
                 const std::function<bool(const core::ReproJob&)>& pick, const QString& stem,
                 const QString& dir, QStringList& errors)
{
    BandChart view(
        title, QObject::tr("noise σ (pixel units)"),
        normalized ? QObject::tr("accuracy / clean accuracy") : QObject::tr("test accuracy (%)"));
    bool any = false;
    for (const auto& j : r.jobs) {
        if (!pick(j.job)) continue;
        const auto& c = j.experiment.config;
        const QString group = networkName(c);
        for (const auto& run : j.experiment.runs)
            for (const auto& curve : run.noise) {
                if (curve.units != core::NoiseUnits::Pixel) continue;
                for (size_t k = 0; k < curve.sigma.size(); ++k) {
                    const double y = normalized
                                         ? (k < curve.normalized.size() ? curve.normalized[k] : NAN)
                                         : 100 * curve.accuracy[k];
                    if (!std::isfinite(y)) continue;
                    view.setValue(group, curve.sigma[k], QStringLiteral("seed %1").arg(run.seed),
                                  y);
                    any = true;
                }
            }
    }
    if (any) writeView(&view, dir, stem, errors);
    return any;
}

/// A variability set: test accuracy against the V50 spread of its nominal and hardware-aware
/// networks, mean over seeds and device draws with a +-1 sd band.
bool variabilityFigure(const core::ReproResult& r, const core::BeyondSet& set, const QString& title,
                       const QString& stem, const QString& dir, QStringList& errors)
{
    BandChart view(title, QObject::tr("device-to-device V50 spread, sd (V)"),
                   QObject::tr("test accuracy (%)"));
    bool any = false;
    for (const auto& j : r.jobs) {
        const bool own = j.job.beyond == set.name;
        const bool nominal = j.job.beyond.empty() && j.job.experiment == set.compare &&
                             !j.job.config.hybrid() && j.job.config.anyDeviceLayer();
        if (!own && !nominal) continue;
        QString group = networkName(j.experiment.config);
        if (own) group += QObject::tr(" hw-aware");
        for (const auto& run : j.experiment.runs)
            for (const auto& curve : run.variability) {
                if (curve.axis != "v50" || curve.seed != set.variability.seed) continue;
                for (size_t k = 0; k < curve.level.size(); ++k)
                    for (size_t d = 0; d < curve.accuracy[k].size(); ++d) {
                        view.setValue(group, curve.level[k],
                                      QStringLiteral("seed %1 draw %2").arg(run.seed).arg(d + 1),
                                      100 * curve.accuracy[k][d]);
                        any = true;
                    }
            }
    }
    if (any) writeView(&view, dir, stem, errors);
    return any;
}

/// Fig. 4a: one test image at several sigmas (the noise model of the evaluation).
bool fig4a(const core::ReproResult& r, const QString& dir, QStringList& errors)
{
    std::string dataDir;
    for (const auto& j : r.jobs)
        if (j.job.experiment == r.plan.noiseExperiment) dataDir = j.experiment.config.dataDir;
    core::ImageSet one;
    try {
        one = core::loadFashionMnist(dataDir, core::FashionSplit::Test, 1);
    } catch (const std::exception& e) {
        errors << QString::fromUtf8(e.what());
        return false;
    }
    const std::vector<double> sigmas = {0.0, 0.5, 1.0, 1.5, 2.0, 3.0};
    const int cell = 140, pad = 16, label = 28;
    QImage sheet(int(sigmas.size()) * (cell + pad) + pad, cell + 2 * pad + label,
                 QImage::Format_RGB32);
    sheet.fill(Qt::white);
    QString csv = QStringLiteral("sigma,row,column,pixel\n");
    {
        QPainter p(&sheet);
        p.setRenderHint(QPainter::Antialiasing);
        QFont f = p.font();
        f.setPixelSize(16);
        p.setFont(f);
        for (size_t i = 0; i < sigmas.size(); ++i) {
            const auto px = core::noisyImage(one.pixels, sigmas[i], 1.0, r.plan.noise.seed);
            QImage img(28, 28, QImage::Format_Grayscale8);
            for (int y = 0; y < 28; ++y)
                for (int x = 0; x < 28; ++x) {
                    img.scanLine(y)[x] = uchar(std::lround(255 * px[size_t(y * 28 + x)]));
                    csv += QStringLiteral("%1,%2,%3,%4\n")
                               .arg(sigmas[i])
                               .arg(y)
                               .arg(x)
                               .arg(px[size_t(y * 28 + x)], 0, 'g', 6);
                }
            const QRect target(pad + int(i) * (cell + pad), pad, cell, cell);
            p.drawImage(target, img);
            p.drawText(QRect(target.left(), target.bottom() + 4, cell, label),
                       Qt::AlignHCenter | Qt::AlignTop, QStringLiteral("σ = %1").arg(sigmas[i]));
        }
    }
    auto write = [&](const char* name, const QByteArray& bytes, const char* kind) {
        const QString e = writeFileAtomically(QDir(dir).filePath(QLatin1String(name)), bytes,
                                              QLatin1String(kind));
        if (!e.isEmpty()) errors << e;
    };
    QBuffer png;
    png.open(QIODevice::WriteOnly);
    if (sheet.save(&png, "PNG"))
        write("fig4a-noisy-images.png", png.data(), "PNG");
    else
        errors << QDir(dir).filePath(QStringLiteral("fig4a-noisy-images.png")) +
                      QStringLiteral(": cannot encode the PNG image");
    QBuffer svgBytes;
    svgBytes.open(QIODevice::WriteOnly);
    QSvgGenerator svg;
    svg.setOutputDevice(&svgBytes);
    svg.setSize(sheet.size());
    svg.setViewBox(sheet.rect());
    {
        QPainter p;
        if (p.begin(&svg)) {
            p.drawImage(0, 0, sheet);
            p.end();
            write("fig4a-noisy-images.svg", svgBytes.data(), "SVG");
        } else {
            errors << QDir(dir).filePath(QStringLiteral("fig4a-noisy-images.svg")) +
                          QStringLiteral(": cannot write the SVG file");
        }
    }
    write("fig4a-noisy-images.csv", csv.toUtf8(), "CSV");
    return true;
}

}  // namespace

std::vector<core::ReportFigure> renderReproductionFigures(const core::ReproResult& r,
                                                          const QString& dir, QStringList& errors)
{
    QDir().mkpath(dir);
    std::vector<core::ReportFigure> out;
    auto add = [&](bool made, const QString& stem, const QString& title, const QString& caption) {
        if (made) out.push_back({stem.toStdString(), title.toStdString(), caption.toStdString()});
    };
    add(fig2d(r, dir, errors), "fig2d-binary-switching",
        QObject::tr("Fig. 2d: binary DW-MTJ switching probability"),
        QObject::tr("Measured per-pulse switching probability with 95 % Wilson intervals and the "
                    "fitted sigmoid with its 95 % band "
                    "(or the lookup table's curve when its source data are not available)."));
    add(fig2e(r, dir, errors), "fig2e-multiweight-states",
        QObject::tr("Fig. 2e: multi-weight DW-MTJ state probabilities"),
        QObject::tr("Observed state frequencies and the cumulative-logit fit (or the lookup "
                    "table's state probabilities)."));
    add(accuracyFigure(r, "3b", QObject::tr("Fig. 3b: validation accuracy per epoch"), dir,
                       QStringLiteral("fig3b-validation"), errors),
        "fig3b-validation", QObject::tr("Fig. 3b: validation accuracy, two hidden sizes"),
        QObject::tr("The paper: H 500 and 200, T 80. Mean over seeds with a ±1 standard deviation "
                    "band, per neuron type and hidden size."));
    add(accuracyFigure(r, "3c", QObject::tr("Fig. 3c: validation accuracy per epoch"), dir,
                       QStringLiteral("fig3c-validation"), errors),
        "fig3c-validation", QObject::tr("Fig. 3c: validation accuracy, more time steps"),
        QObject::tr("The paper: H 500, T 120. Mean over seeds with a ±1 standard deviation band."));
    add(accuracyFigure(r, "3d", QObject::tr("Fig. 3d: validation accuracy per epoch"), dir,
                       QStringLiteral("fig3d-validation"), errors),
        "fig3d-validation", QObject::tr("Fig. 3d: validation accuracy, fewer time steps"),
        QObject::tr("The paper: H 500, T 40. Mean over seeds with a ±1 standard deviation band."));
    add(fig4a(r, dir, errors), "fig4a-noisy-images",
        QObject::tr("Fig. 4a: a test image under Gaussian noise"),
        QObject::tr("x' = clamp(x + σ·N(0, 1), 0, 1), the noise of the evaluation."));
    auto paperNoise = [&r](const core::ReproJob& j) {
        return j.experiment == r.plan.noiseExperiment;
    };
    add(noiseFigure(r, false, QObject::tr("Test accuracy under Gaussian noise (Fig. 4b)"),
                    paperNoise, QStringLiteral("fig4b-noise-accuracy"), dir, errors),
        "fig4b-noise-accuracy", QObject::tr("Fig. 4b: test accuracy under noise"),
        QObject::tr("Best checkpoint of every seed; mean with a ±1 standard deviation band."));
    add(noiseFigure(r, true, QObject::tr("Normalized test accuracy under Gaussian noise (Fig. 4c)"),
                    paperNoise, QStringLiteral("fig4c-noise-normalized"), dir, errors),
        "fig4c-noise-normalized", QObject::tr("Fig. 4c: normalized test accuracy under noise"),
        QObject::tr("Accuracy divided by the clean accuracy of the same network; mean with a ±1 "
                    "standard deviation band. As in the paper, not chance-corrected: near chance "
                    "it is about chance / clean accuracy and favours the network that is worse "
                    "on clean data, so the claims compare the chance-corrected AUC instead "
                    "(docs/models.md, \"Primary endpoint\")."));
    // Beyond the paper: each set's networks with the pure networks they are compared with.
    for (const auto& set : r.plan.beyond) {
        const QString caption =
            QString::fromStdString(set.caption.empty() ? set.name : set.caption);
        if (set.kind == "variability") {
            const QString stem = QStringLiteral("beyond-%1").arg(QString::fromStdString(set.name));
            const QString title = QObject::tr("Beyond the paper: %1").arg(caption);
            add(variabilityFigure(r, set, title, stem, dir, errors), stem, title,
                QObject::tr("%1 The DW-MTJ networks of '%2' (nominal) and the networks "
                            "trained hardware-aware at a V50 spread of %3 V (hw-aware), each "
                            "hidden neuron a device with its own V50; mean over seeds and device "
                            "draws with a ±1 standard deviation band.")
                    .arg(QString::fromStdString(set.question), QString::fromStdString(set.compare))
                    .arg(set.hardwareAwareV50Sd));
            continue;
        }
        auto pick = [&set](const core::ReproJob& j) {
            return j.beyond == set.name || (j.experiment == set.compare && !j.config.hybrid());
        };
        for (const bool normalized : {false, true}) {
            const QString stem =
                QStringLiteral("beyond-%1-%2")
                    .arg(QString::fromStdString(set.name))
                    .arg(normalized ? QStringLiteral("normalized") : QStringLiteral("accuracy"));
            const QString title =
                (normalized ? QObject::tr("Beyond the paper: normalized accuracy under noise, %1")
                            : QObject::tr("Beyond the paper: test accuracy under noise, %1"))
                    .arg(caption);
            add(noiseFigure(r, normalized, title, pick, stem, dir, errors), stem, title,
                QObject::tr("%1 With the pure networks of '%2' for comparison; mean over seeds "
                            "with a ±1 standard deviation band.")
                    .arg(QString::fromStdString(set.question),
                         QString::fromStdString(set.compare)));
        }
    }
    return out;
}

}  // namespace dwmtj::ui
