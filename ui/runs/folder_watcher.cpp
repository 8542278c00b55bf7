#include "runs/folder_watcher.h"

#include <sys/stat.h>

#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QTimer>

namespace dwmtj::ui {

FolderScanner::Version FolderScanner::versionOf(const QString& path)
{
    struct stat st {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0) return {};
    auto ns = [](const timespec& t) {
        return quint64(t.tv_sec) * 1000000000ull + quint64(t.tv_nsec);
    };
    return {quint64(st.st_ino), ns(st.st_ctim), ns(st.st_mtim), qint64(st.st_size)};
}

void FolderScanner::scan()
{
    int files = 0;
    QDirIterator it(m_dir, {QStringLiteral("*.h5")}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        ++files;
        const Version before = versionOf(path);
        Seen& seen = m_seen[path];
        if (seen.version == before) continue;
        try {
            core::Experiment e = core::loadExperiment(path.toStdString(), false);
            // Unchanged while it was read? Otherwise the next look reads the new version.
            if (!(versionOf(path) == before)) continue;
            seen = {before, 0};
            Q_EMIT loaded(path, e);
        } catch (const std::exception& e) {
            // Being replaced, half copied or not an experiment: tried again when it changes;
            // reported once per version.
            seen = {before, seen.failures + 1};
            Q_EMIT unreadable(path, QString::fromUtf8(e.what()));
        }
    }
    Q_EMIT scanned(files);
}

FolderWatcher::FolderWatcher(QObject* parent) : QObject(parent)
{
    qRegisterMetaType<dwmtj::core::Experiment>("dwmtj::core::Experiment");
}

FolderWatcher::~FolderWatcher() { stop(); }

void FolderWatcher::watch(const QString& dir, int intervalMs)
{
    stop();
    m_dir = dir;
    m_thread = new QThread;
    auto* scanner = new FolderScanner(dir);
    auto* timer = new QTimer;
    timer->setInterval(intervalMs);
    scanner->moveToThread(m_thread);
    timer->moveToThread(m_thread);
    connect(m_thread, &QThread::started, scanner, &FolderScanner::scan);
    connect(m_thread, &QThread::started, timer, qOverload<>(&QTimer::start));
    connect(timer, &QTimer::timeout, scanner, &FolderScanner::scan);
    connect(m_thread, &QThread::finished, scanner, &QObject::deleteLater);
    connect(m_thread, &QThread::finished, timer, &QObject::deleteLater);
    connect(scanner, &FolderScanner::loaded, this, &FolderWatcher::loaded, Qt::QueuedConnection);
    connect(scanner, &FolderScanner::unreadable, this, &FolderWatcher::unreadable,
            Qt::QueuedConnection);
    connect(scanner, &FolderScanner::scanned, this, &FolderWatcher::scanned, Qt::QueuedConnection);
    m_thread->start();
}

void FolderWatcher::stop()
{
    if (!m_thread) return;
    m_thread->quit();
    m_thread->wait();
    delete m_thread;
    m_thread = nullptr;
}

}  // namespace dwmtj::ui
