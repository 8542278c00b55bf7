#pragma once
// Follows a folder (a sweep on a cluster's shared file system, say): experiment files (*.h5)
// that appear or are rewritten there are loaded without their checkpoints in a worker
// thread (a BackgroundTask) and handed to the GUI thread. Polls every interval (inotify does
// not see changes made by other machines on NFS or a mount); a file replaced while being read
// is read again on the next look, never a crash. Temporary files of atomic writers
// (*.h5.tmp.*) are skipped.
#include <QObject>
#include <QString>
#include <memory>

#include "dwmtj/experiment.h"

namespace dwmtj::ui {

class BackgroundTask;

class FolderWatcher : public QObject {
    Q_OBJECT
public:
    explicit FolderWatcher(QObject* parent = nullptr);
    ~FolderWatcher() override;
    /// Starts following `dir` (stops following the previous folder).
    void watch(const QString& dir, int intervalMs = 2000);
    void stop();  ///< returns when the worker has ended
    QString folder() const { return m_dir; }
    bool active() const { return m_task != nullptr; }

Q_SIGNALS:
    void loaded(const QString& path, const dwmtj::core::Experiment& experiment);
    void unreadable(const QString& path, const QString& error);
    void scanned(int files);

private:
    QString m_dir;
    std::unique_ptr<BackgroundTask> m_task;
};

}  // namespace dwmtj::ui
