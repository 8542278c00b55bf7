#pragma once
// Core progress structs that travel through queued signals (worker thread -> GUI thread).
#include <QMetaType>

#include "dwmtj/training.h"

Q_DECLARE_METATYPE(dwmtj::core::BatchProgress)
Q_DECLARE_METATYPE(dwmtj::core::EpochReport)
