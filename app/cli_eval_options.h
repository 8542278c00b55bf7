#pragma once
// The options every evaluation of trained networks on drawn devices reads (`variability`,
// `plan-measurements`, `yield`; declared once as kDeviceEvaluation in cli_spec_table.cpp).
#include "cli_args.h"
#include "dwmtj/training.h"

namespace dwmtj::cli {

/// --seed, --data-dir, --test-limit, --threads, --batch into VariabilityOptions (draws,
/// axes and the bootstrap are the command's own).
inline core::VariabilityOptions evaluationOptions(const Args& a)
{
    core::VariabilityOptions o;
    o.seed = uint64_t(a.integer("seed", long(o.seed)));
    o.dataDir = a.get("data-dir", "");
    o.testLimit = int(a.integer("test-limit", -1));
    o.threads = int(a.integer("threads", 0));
    o.batchSize = int(a.integer("batch", o.batchSize));
    return o;
}

}  // namespace dwmtj::cli
