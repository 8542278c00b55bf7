#pragma once
// The Reproduce page: runs `dwmtj reproduce` (the paper's experiments at a chosen scale) in
// a worker thread with live charts, then draws the figures, writes the report and shows
// the claims table; "Open report" (and, by default, the end of a run) opens report.html.
#include <memory>

#include "common/core_metatypes.h"
#include "common/page.h"
#include "dwmtj/reproduce.h"

class QComboBox;
class QSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace dwmtj::ui {

class BackgroundTask;
class BandChart;
class LiveChart;

class ReproducePage : public Page {
    Q_OBJECT
public:
    QString pageTitle() const override { return tr("Reproduce the paper"); }
    QString pageId() const override { return QStringLiteral("reproduce"); }
    explicit ReproducePage(QWidget* parent = nullptr);
    BackgroundTask* task() const { return m_task; }
    QTableWidget* claimsTable() const { return m_claims; }
    BandChart* accuracyChart() const { return m_accuracy; }
    void setScale(core::ReproScale s);
    void setOutDir(const QString& dir);
    void setLuts(const QString& binary, const QString& multiState);
    void setLut(const QString& path, bool multiState);  ///< one of the two
    void setOpenReportWhenDone(bool on) { m_openWhenDone = on; }
    /// The experiments to run: a bundled presets name (core::reproPresets(), the
    /// "Experiments" list) or a presets file of one's own (tests, own protocols).
    void setPresetsPath(const QString& nameOrPath);
    QString presetsPath() const;
    QString reportPath() const { return m_reportPath; }
    void start();
    void stop();

Q_SIGNALS:
    void busyChanged(bool busy, const QString& what);
    void reportWritten(const QString& path);

private:
    void onFinished(bool stopped);
    /// The paper's claims, then each "beyond the paper" set under a header row of its own.
    void showClaims(const std::vector<core::ClaimResult>& claims,
                    const std::vector<core::ClaimResult>& paperComparison,
                    const std::vector<core::BeyondResult>& beyond);

    BackgroundTask* m_task = nullptr;
    QComboBox *m_scale = nullptr, *m_device = nullptr, *m_presets = nullptr;
    int m_presetsIndex = 0;  ///< the presets chosen before "Other presets file..." was picked
    QSpinBox* m_seedsUntilDecided = nullptr;
    QLineEdit *m_lutBinary = nullptr, *m_lutMulti = nullptr, *m_dataDir = nullptr, *m_out = nullptr;
    QPushButton *m_start = nullptr, *m_stop = nullptr, *m_open = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_plan = nullptr;
    LiveChart* m_loss = nullptr;
    BandChart* m_accuracy = nullptr;
    QTableWidget* m_claims = nullptr;
    std::shared_ptr<core::ReproResult> m_result;
    QString m_currentJob, m_reportPath;
    int m_jobIndex = 0, m_jobCount = 0;
    bool m_openWhenDone = true;
};

}  // namespace dwmtj::ui
