#pragma once
// A workbench page (docs/extending.md, "A workbench page"): one tab of the main window. The
// main window loops over its pages for the tabs, the View menu and its Ctrl+N shortcuts and
// the log; the task center (task_center.h) covers the quit prompt and Stop all; the screenshot
// tour photographs every page. Adding a page is one class derived from Page plus one
// MainWindow::addPage call.
#include <QString>
#include <QWidget>

namespace dwmtj::ui {

class Page : public QWidget {
    Q_OBJECT
public:
    using QWidget::QWidget;
    /// The tab's title, without its number ("Device data && fit"; && shows one &).
    virtual QString pageTitle() const = 0;
    /// A stable lower-case id: object name, screenshot file names ("device").
    virtual QString pageId() const = 0;

Q_SIGNALS:
    /// A line for the window's log panel.
    void logMessage(const QString& text);
};

}  // namespace dwmtj::ui
