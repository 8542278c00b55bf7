#pragma once
// The workbench window: menus, the pages in workflow order (device data and fit, lookup
// table, train, robustness, runs), a log panel, recent files and window
// state kept in QSettings. Features live in pages; this class only wires them.
#include <QMainWindow>
#include <vector>

#include "dwmtj/device_io.h"

class QAction;
class QMenu;
class QProgressBar;
class QTabWidget;
class QPlainTextEdit;

namespace dwmtj::ui {

class Page;
class DevicePage;
class TrainingPage;
class LutPage;
class RobustnessPage;
class RunsPage;
class ReproducePage;
class DesignPage;
class ExperimentStore;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    DevicePage* devicePage() const { return m_device; }
    TrainingPage* trainingPage() const { return m_training; }
    LutPage* lutPage() const { return m_lut; }
    RobustnessPage* robustnessPage() const { return m_robustness; }
    RunsPage* runsPage() const { return m_runs; }
    ReproducePage* reproducePage() const { return m_reproduce; }
    DesignPage* designPage() const { return m_design; }
    ExperimentStore* store() const { return m_store; }
    QTabWidget* tabs() const { return m_tabs; }
    /// Adds a page (common/page.h): its numbered tab, its View menu entry with Ctrl+N (the
    /// first nine) and its log messages. The window owns it from then on.
    void addPage(Page* page);
    /// The pages in tab order (the screenshot tour photographs each).
    const std::vector<Page*>& pages() const { return m_pages; }
    void showPage(Page* page);
    /// Writes PNG, SVG, PDF and CSV of every chart on the current page into `dir`;
    /// returns the errors (empty on success).
    QString exportPageCharts(const QString& dir);
    /// Opens a device file (shows the error and keeps the previous data on failure).
    bool openDeviceFile(const QString& path, const core::DeviceLoadOptions& options = {});
    /// What File > Open, drag and drop and the recent list do: CSV files go through the
    /// import preview first.
    bool openDeviceFileInteractive(const QString& path);
    /// The bundled example (binary traces) if it can be found.
    static QString exampleFile();

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void buildMenus();
    void log(const QString& text);
    void rememberRecent(const QString& path);
    void rebuildRecentMenu();
    void exportPageChartsDialog();
    void showTasks();  ///< the busy indicator and status from the TaskCenter
    void exportLut();
    void exportTable();
    void about();

    DevicePage* m_device = nullptr;
    TrainingPage* m_training = nullptr;
    LutPage* m_lut = nullptr;
    RobustnessPage* m_robustness = nullptr;
    RunsPage* m_runs = nullptr;
    ReproducePage* m_reproduce = nullptr;
    DesignPage* m_design = nullptr;
    ExperimentStore* m_store = nullptr;
    QTabWidget* m_tabs = nullptr;
    QProgressBar* m_busy = nullptr;
    QPlainTextEdit* m_log = nullptr;
    QMenu* m_recent = nullptr;
    QMenu* m_view = nullptr;
    std::vector<Page*> m_pages;
    QAction* m_stopAll = nullptr;  ///< Tools > Stop all background work
};

}  // namespace dwmtj::ui
