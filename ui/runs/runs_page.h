#pragma once
// The Runs page: every run (one seed of one configuration) in the experiment files open in
// the workbench, with its configuration, best accuracy, time and energy; selecting several
// overlays their validation-accuracy and loss curves. Open, save as and close files here.
#include "common/page.h"

class QTableWidget;
class QLabel;
class QPushButton;

namespace dwmtj::ui {

class ExperimentStore;
class FolderWatcher;
class LiveChart;

class RunsPage : public Page {
    Q_OBJECT
public:
    QString pageTitle() const override { return tr("Runs"); }
    QString pageId() const override { return QStringLiteral("runs"); }
    explicit RunsPage(ExperimentStore* store, QWidget* parent = nullptr);
    QTableWidget* table() const { return m_table; }
    LiveChart* accuracyChart() const { return m_accuracy; }
    LiveChart* lossChart() const { return m_loss; }
    /// Opens an experiment file, read in the store's worker thread; then emits
    /// openFinished(path, error). On failure shows the error and keeps what is open.
    void openFile(const QString& path);
    /// The error banner's text ("" when it is hidden).
    QString errorText() const;
    /// Writes a copy of the open file `from` to `to` (atomically, in the store's worker thread)
    /// and opens it; then emits copyFinished(to, error).
    void saveCopy(const QString& from, const QString& to);
    /// Writes the table as CSV; returns an error or "".
    QString exportTableCsv(const QString& path) const;
    void openDialog();
    void saveAsDialog();
    /// Follows `dir`: experiment files that appear or are rewritten there (and below) open and
    /// update live, loaded in a worker thread (a cluster sweep over a shared file system).
    void watchFolder(const QString& dir, int intervalMs = 2000);
    void stopWatching();
    void watchDialog();
    /// "" or "Watching DIR: N experiment files".
    QString watchStatus() const;

Q_SIGNALS:
    void fileOpened(const QString& path);
    void openFinished(const QString& path, const QString& error);  ///< error "" = opened
    void copyFinished(const QString& to, const QString& error);

private:
    void rebuild();
    void overlay();
    QString selectedFile() const;

    ExperimentStore* m_store = nullptr;
    FolderWatcher* m_watcher = nullptr;
    QLabel* m_watchLabel = nullptr;
    QPushButton* m_watchButton = nullptr;
    QTableWidget* m_table = nullptr;
    QLabel* m_banner = nullptr;
    LiveChart* m_accuracy = nullptr;
    LiveChart* m_loss = nullptr;
};

}  // namespace dwmtj::ui
