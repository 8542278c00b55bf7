#include "common/task_center.h"

#include "common/background_task.h"

namespace dwmtj::ui {

TaskCenter& TaskCenter::instance()
{
    static TaskCenter* center = new TaskCenter;  // never destroyed: tasks may outlive statics
    return *center;
}

void TaskCenter::add(BackgroundTask* task) { m_tasks.append(task); }

void TaskCenter::remove(BackgroundTask* task)
{
    const bool wasRunning = task->state() != BackgroundTask::State::Idle;
    m_tasks.removeAll(task);
    // Queued: the task's owner (a page, the window) may be half destroyed right now.
    if (wasRunning) QMetaObject::invokeMethod(this, &TaskCenter::changed, Qt::QueuedConnection);
}

QList<BackgroundTask*> TaskCenter::running() const
{
    QList<BackgroundTask*> out;
    for (BackgroundTask* t : m_tasks)
        if (t->state() != BackgroundTask::State::Idle) out.append(t);
    return out;
}

QStringList TaskCenter::runningWork(bool onlyThoseToAskAbout) const
{
    QStringList out;
    for (BackgroundTask* t : running())
        if (!onlyThoseToAskAbout || t->askBeforeQuit())
            out << (t->state() == BackgroundTask::State::Stopping
                        ? tr("%1 (stopping)").arg(t->what())
                        : t->what());
    return out;
}

void TaskCenter::stopAll()
{
    for (BackgroundTask* t : running()) t->stop();
}

}  // namespace dwmtj::ui
