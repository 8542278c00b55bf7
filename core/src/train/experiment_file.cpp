// The experiment file (HDF5, docs/experiment-file.md): the format check, /data, the LUTs and
// /provenance here; /config in experiment_config.cpp, /runs in experiment_runs.cpp.
#include <algorithm>

#include "lut/lut_h5.h"
#include "train/experiment_h5.h"
#include "util/atomic_file.h"

namespace dwmtj::core {
namespace {

using namespace xfile;

constexpr const char* kFormat = "dwmtj-experiment";

using X = Experiment;
const Attr<X> kDataAttrs[] = {
    {"train_images", &X::trainImages},
    {"validation_images", &X::validationImages},
    {"test_images", &X::testImages},
    {"pixel_std", &X::pixelStd},
};

using P = Provenance;
const Attr<P> kProvenanceAttrs[] = {
    {"software", &P::software}, {"git_hash", &P::gitHash}, {"host", &P::host},
    {"blas", &P::blas},         {"device", &P::device},    {"start_time", &P::startTime},
    {"end_time", &P::endTime},  {"kernels", &P::kernels},  {"threads", &P::threads},
};

void writeFile(const Experiment& e, const std::string& tmp)
{
    auto f = h5::create(tmp);
    h5::writeStringAttr(f, "/", "format", kFormat);
    h5::writeDoubleAttr(f, "/", "format_version", Experiment::kFormatVersion);
    writeConfig(f, e.config);
    h5::createGroup(f, "/data");
    writeAttrs(f, "/data", e, kDataAttrs);
    if (e.lut) writeLutGroup(f, "/lut", *e.lut);
    if (e.lut2) writeLutGroup(f, "/lut2", *e.lut2);
    h5::createGroup(f, "/provenance");
    writeAttrs(f, "/provenance", e.provenance, kProvenanceAttrs);
    h5::writeStringAttr(f, "/provenance", "seeds", seedsText(e.config.seeds));
    h5::createGroup(f, "/runs");
    for (const auto& r : e.runs) writeRun(f, r);
    h5::close(f);
}

}  // namespace

RunRecord* Experiment::findRun(uint64_t seed)
{
    for (auto& r : runs)
        if (r.seed == seed) return &r;
    return nullptr;
}

void saveExperiment(const Experiment& e, const std::string& path)
{
    detail::writeAtomically(path, [&](const std::string& tmp) { writeFile(e, tmp); });
}

const Lut* Experiment::layerLut(int i) const
{
    if (!neuronKindInfo(config.layer(i).neuron).device) return nullptr;
    // The second layer has its own LUT when the first is a device layer too and lut2 is set.
    const bool firstIsDevice = neuronKindInfo(config.layer(0).neuron).device;
    if (i > 0 && firstIsDevice && lut2) return &*lut2;
    return lut ? &*lut : nullptr;
}

Experiment loadExperiment(const std::string& path) { return loadExperiment(path, true); }

namespace {
Experiment readExperiment(const std::string& path, bool checkpoints)
{
    auto f = h5::openRead(path);
    if (!h5::hasAttr(f, "/", "format") || h5::readStringAttr(f, "/", "format") != kFormat)
        throw FileFormatError(path, "/@format", std::string("'") + kFormat + "'",
                              h5::hasAttr(f, "/", "format")
                                  ? "'" + h5::readStringAttr(f, "/", "format") + "'"
                                  : "no format attribute",
                              "is this an experiment file written by dwmtj train?");
    const double version = h5::readDoubleAttr(f, "/", "format_version");
    if (version > Experiment::kFormatVersion)
        throw FileFormatError(path, "/@format_version",
                              "at most " + std::to_string(Experiment::kFormatVersion),
                              std::to_string(version), "written by a newer DW-MTJ Workbench");
    Experiment e;
    e.config = readConfig(f, path);
    if (h5::exists(f, "/data")) readAttrs(f, "/data", e, kDataAttrs);
    if (h5::exists(f, "/lut")) e.lut = readLutGroup(f, "/lut");
    if (h5::exists(f, "/lut2")) e.lut2 = readLutGroup(f, "/lut2");
    if (h5::exists(f, "/provenance")) readAttrs(f, "/provenance", e.provenance, kProvenanceAttrs);
    if (h5::exists(f, "/runs"))
        for (const auto& name : h5::children(f, "/runs"))
            e.runs.push_back(readRun(f, path, "/runs/" + name, e.config, checkpoints));
    std::sort(e.runs.begin(), e.runs.end(),
              [](const RunRecord& a, const RunRecord& b) { return a.seed < b.seed; });
    return e;
}
}  // namespace

Experiment loadExperiment(const std::string& path, bool checkpoints)
{
    return detail::readNamingTheFile(path, [&] { return readExperiment(path, checkpoints); });
}

}  // namespace dwmtj::core
