#pragma once
// Follows a folder (a sweep on a cluster's shared file system, say): experiment files (*.h5)
// that appear or are rewritten there are loaded without their checkpoints in a worker
// thread and handed to the GUI thread. Polls every interval (inotify does not see changes
// made by other machines on NFS or a mount); a file replaced while being read is read again
// on the next look, never a crash. Temporary files of atomic writers (*.h5.tmp.*) are skipped.
#include <QHash>
#include <QObject>
#include <QString>
#include <QThread>

#include "dwmtj/experiment.h"

class QTimer;

namespace dwmtj::ui {

class FolderScanner : public QObject {
    Q_OBJECT
public:
    explicit FolderScanner(QString dir) : m_dir(std::move(dir)) {}
public Q_SLOTS:
    void scan();
Q_SIGNALS:
    void loaded(const QString& path, const dwmtj::core::Experiment& experiment);
    void unreadable(const QString& path, const QString& error);
    void scanned(int files);

private:
    /// A file version: a rename over the file (atomic writers) changes the inode, a write in
    /// place the modification time (ns) or the size; timestamps alone are coarse (a clock tick).
    struct Version {
        quint64 inode = 0, ctimeNs = 0, mtimeNs = 0;
        qint64 size = -1;
        bool operator==(const Version&) const = default;
    };
    struct Seen {
        Version version;
        int failures = 0;
    };
    static Version versionOf(const QString& path);
    QString m_dir;
    QHash<QString, Seen> m_seen;  ///< what was last loaded (or failed) per file
};

class FolderWatcher : public QObject {
    Q_OBJECT
public:
    explicit FolderWatcher(QObject* parent = nullptr);
    ~FolderWatcher() override;
    /// Starts following `dir` (stops following the previous folder).
    void watch(const QString& dir, int intervalMs = 2000);
    void stop();
    QString folder() const { return m_dir; }
    bool active() const { return m_thread != nullptr; }

Q_SIGNALS:
    void loaded(const QString& path, const dwmtj::core::Experiment& experiment);
    void unreadable(const QString& path, const QString& error);
    void scanned(int files);

private:
    QString m_dir;
    QThread* m_thread = nullptr;
};

}  // namespace dwmtj::ui
