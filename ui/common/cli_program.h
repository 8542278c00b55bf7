#pragma once
// The command-line program the workbench starts for sweep tasks (here and on cluster nodes):
// next to the workbench (installed and in a build folder alike), or DWMTJ_CLI.
#include <QCoreApplication>
#include <QString>

namespace dwmtj::ui {

inline QString dwmtjProgram()
{
    const QByteArray env = qgetenv("DWMTJ_CLI");
    if (!env.isEmpty()) return QString::fromLocal8Bit(env);
    return QCoreApplication::applicationDirPath() + QStringLiteral("/dwmtj");
}

}  // namespace dwmtj::ui
