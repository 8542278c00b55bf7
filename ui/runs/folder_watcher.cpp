#include "runs/folder_watcher.h"

#include <sys/stat.h>

#include <QDirIterator>
#include <QFile>
#include <QHash>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "common/background_task.h"

namespace dwmtj::ui {
namespace {

/// What one look at the folder found, from the worker to the GUI thread.
struct ScanEvent {
    enum class Kind { Loaded, Unreadable, Scanned } kind = Kind::Scanned;
    QString path, error;
    core::Experiment experiment;
    int files = 0;
};

/// A file version: a rename over the file (atomic writers) changes the inode, a write in
/// place the modification time (ns) or the size; timestamps alone are coarse (a clock tick).
struct Version {
    quint64 inode = 0, ctimeNs = 0, mtimeNs = 0;
    qint64 size = -1;
    bool operator==(const Version&) const = default;
};

Version versionOf(const QString& path)
{
    struct stat st {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0) return {};
    auto ns = [](const timespec& t) {
        return quint64(t.tv_sec) * 1000000000ull + quint64(t.tv_nsec);
    };
    return {quint64(st.st_ino), ns(st.st_ctim), ns(st.st_mtim), qint64(st.st_size)};
}

/// One look: loads every file whose version differs from the one last seen.
void scan(const QString& dir, QHash<QString, Version>& seen, BackgroundTask& task,
          const std::stop_token& stop)
{
    ScanEvent done;
    QDirIterator it(dir, {QStringLiteral("*.h5")}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext() && !stop.stop_requested()) {
        const QString path = it.next();
        ++done.files;
        const Version before = versionOf(path);
        auto known = seen.find(path);
        if (known != seen.end() && *known == before) continue;
        ScanEvent e;
        e.path = path;
        try {
            e.experiment = core::loadExperiment(path.toStdString(), false);
            // Unchanged while it was read? Otherwise the next look reads the new version.
            if (!(versionOf(path) == before)) continue;
            e.kind = ScanEvent::Kind::Loaded;
        } catch (const std::exception& err) {
            // Being replaced, half copied or not an experiment: tried again when it changes;
            // reported once per version.
            e.kind = ScanEvent::Kind::Unreadable;
            e.error = QString::fromUtf8(err.what());
        }
        seen[path] = before;
        task.reportResult(QVariant::fromValue(e));
    }
    task.reportResult(QVariant::fromValue(done));
}

}  // namespace
}  // namespace dwmtj::ui

Q_DECLARE_METATYPE(dwmtj::ui::ScanEvent)

namespace dwmtj::ui {

FolderWatcher::FolderWatcher(QObject* parent) : QObject(parent) {}

FolderWatcher::~FolderWatcher() { stop(); }

void FolderWatcher::watch(const QString& dir, int intervalMs)
{
    stop();
    m_dir = dir;
    m_task = std::make_unique<BackgroundTask>();
    // The task is the context: what a stopped watch had in flight is dropped with it.
    connect(m_task.get(), &BackgroundTask::result, m_task.get(), [this](const QVariant& v) {
        const auto e = v.value<ScanEvent>();
        switch (e.kind) {
            case ScanEvent::Kind::Loaded:
                Q_EMIT loaded(e.path, e.experiment);
                break;
            case ScanEvent::Kind::Unreadable:
                Q_EMIT unreadable(e.path, e.error);
                break;
            case ScanEvent::Kind::Scanned:
                Q_EMIT scanned(e.files);
                break;
        }
    });
    m_task->start(tr("Watching %1").arg(dir), [dir, intervalMs](std::stop_token stop,
                                                                BackgroundTask& task) {
        QHash<QString, Version> seen;
        std::mutex m;
        std::condition_variable_any cv;
        while (!stop.stop_requested()) {
            scan(dir, seen, task, stop);
            std::unique_lock lock(m);  // sleeps until the interval or a stop
            cv.wait_for(lock, stop, std::chrono::milliseconds(intervalMs), [] { return false; });
        }
    });
}

void FolderWatcher::stop()
{
    m_task.reset();  // requests the stop and waits for the worker
}

}  // namespace dwmtj::ui
