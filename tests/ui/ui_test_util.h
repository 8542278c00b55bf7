#pragma once
// Waiting for the experiment store's worker in UI tests: files are read off the GUI thread,
// so opening one returns at once and the answer comes through the event loop.
#include <QSignalSpy>
#include <QString>

#include "runs/experiment_store.h"
#include "runs/runs_page.h"

namespace dwmtj::test {

/// Opens `path` on the Runs page and waits (up to 30 s) for it: the error, or "".
inline QString openAndWait(ui::RunsPage* runs, const QString& path)
{
    QSignalSpy spy(runs, &ui::RunsPage::openFinished);
    runs->openFile(path);
    if (spy.isEmpty() && !spy.wait(30000)) return QStringLiteral("no answer within 30 s");
    return spy.at(0).at(1).toString();
}

/// Loads `path` into the store and waits (up to 30 s): the error, or "".
inline QString loadAndWait(ui::ExperimentStore* store, const QString& path)
{
    bool done = false;
    QString error;
    store->load(path, nullptr, [&](const QString& e) {
        error = e;
        done = true;
    });
    QSignalSpy spy(store, &ui::ExperimentStore::changed);
    for (int i = 0; !done && i < 300; ++i) spy.wait(100);
    return done ? error : QStringLiteral("no answer within 30 s");
}

}  // namespace dwmtj::test
