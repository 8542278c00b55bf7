// The folder a sweep runs in (dwmtj/sweep.h, docs/sweeps.md): its copy of the sweep file, each
// task's state from its experiment file and log, and the merge of every configuration's seeds.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "dwmtj/error.h"
#include "dwmtj/sweep.h"
#include "train/sweep_internal.h"
#include "util/atomic_file.h"
#include "util/ini.h"

namespace dwmtj::core {

namespace fs = std::filesystem;

namespace {

std::string readText(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// The last `lines` non-empty lines of a log (progress lines end in '\r').
std::string lastLines(const std::string& path, int lines)
{
    std::vector<std::string> all;
    std::string cur;
    for (const char ch : readText(path)) {
        if (ch == '\n' || ch == '\r') {
            if (!ini::trim(cur).empty()) all.push_back(cur);
            cur.clear();
        } else {
            cur += ch;
        }
    }
    if (!ini::trim(cur).empty()) all.push_back(cur);
    std::string out;
    for (size_t k = all.size() > size_t(lines) ? all.size() - size_t(lines) : 0; k < all.size();
         ++k)
        out += (out.empty() ? "" : "\n") + all[k];
    return out;
}

}  // namespace

std::string sweepFileIn(const std::string& dir) { return (fs::path(dir) / "sweep.ini").string(); }

namespace {
std::string addedSeedsFile(const std::string& dir)
{
    return (fs::path(dir) / "added-seeds.tsv").string();
}
}  // namespace

Sweep loadSweepFolder(const std::string& dir)
{
    Sweep s = loadSweep(sweepFileIn(dir));
    const std::string file = addedSeedsFile(dir);
    std::ifstream in(file);
    const auto ids = sweepConfigIds(s);
    int row = 0;
    for (std::string line; std::getline(in, line);) {
        ++row;
        if (line.empty() || line[0] == '#') continue;
        const auto tab = line.find('\t');
        const std::string id = line.substr(0, tab);
        uint64_t seed = 0;
        try {
            if (tab == std::string::npos) throw std::invalid_argument("no tab");
            size_t used = 0;
            seed = std::stoull(line.substr(tab + 1), &used);
            if (used != line.size() - tab - 1) throw std::invalid_argument("trailing text");
        } catch (const std::exception&) {
            throw FileFormatError(file, "line " + std::to_string(row), "configuration<TAB>seed",
                                  "'" + line + "'");
        }
        if (std::find(ids.begin(), ids.end(), id) == ids.end())
            throw FileFormatError(file, "line " + std::to_string(row),
                                  "a configuration of the sweep", "'" + id + "'");
        s.addedSeeds.emplace_back(id, seed);
    }
    return s;
}

std::vector<SweepTask> addSweepSeeds(const std::string& dir,
                                     const std::vector<std::string>& configs)
{
    Sweep s = loadSweepFolder(dir);
    const size_t before = sweepTasks(s).size();
    const auto ids = sweepConfigIds(s);
    std::string text = readText(addedSeedsFile(dir));
    if (text.empty()) text = "# seeds added by dwmtj sweep run --seeds-until-decided\n";
    for (const std::string& id : configs) {
        if (std::find(ids.begin(), ids.end(), id) == ids.end())
            throw Error("the sweep in " + dir + " has no configuration " + id);
        uint64_t next = 0;
        for (const uint64_t seed : s.seeds) next = std::max(next, seed + 1);
        for (const auto& [other, seed] : s.addedSeeds)
            if (other == id) next = std::max(next, seed + 1);
        s.addedSeeds.emplace_back(id, next);
        text += id + "\t" + std::to_string(next) + "\n";
    }
    detail::writeTextAtomically(addedSeedsFile(dir), text);
    const auto tasks = sweepTasks(s);
    return {tasks.begin() + long(before), tasks.end()};
}

void prepareSweepFolder(const std::string& sweepFile, const std::string& dir)
{
    const Sweep s = loadSweep(sweepFile);  // refuse a bad file before touching DIR
    std::error_code ec;
    for (const char* sub : {"tasks", "logs", "results", "slurm"})
        fs::create_directories(fs::path(dir) / sub, ec);
    if (ec) throw Error("cannot create the sweep folder " + dir + ": " + ec.message());
    // Relative paths inside the copy must still point where the original's did.
    std::ostringstream copy;
    copy << "# The sweep as planned (from " << fs::absolute(sweepFile).string()
         << "); relative paths resolved.\n"
         << ini::withAbsolutePaths(readText(sweepFile), sweepFile,
                                   {"data_dir", "lut_binary", "lut_multistate", "lut"});
    const std::string target = sweepFileIn(dir);
    if (fs::exists(target)) {
        if (fs::equivalent(target, sweepFile, ec)) return;
        const Sweep there = loadSweep(target);
        const auto a = sweepTasks(s), b = sweepTasks(there);
        bool same = a.size() == b.size() && s.noise.enabled == there.noise.enabled &&
                    s.noise.sigmas == there.noise.sigmas;
        for (size_t k = 0; same && k < a.size(); ++k)
            same = a[k].id == b[k].id && configToJson(a[k].config) == configToJson(b[k].config);
        if (!same)
            throw Error(dir + " holds another sweep (" + target +
                        "); use a new folder, or remove that one to start over");
        std::string mine, theirs;  // the same tasks; the comparisons may have been edited
        for (const auto& c : s.comparisons) mine += sweepComparisonText(c);
        for (const auto& c : there.comparisons) theirs += sweepComparisonText(c);
        if (mine == theirs) return;
        if (fs::exists(fs::path(dir) / "added-seeds.tsv"))
            throw Error(dir + ": the sweep's comparisons changed after seeds were added until " +
                        "they were decided (the looks were taken for the old ones); use a new " +
                        "folder");
    }
    detail::writeTextAtomically(target, copy.str());
}

const char* toString(TaskState s)
{
    switch (s) {
        case TaskState::Pending:
            return "pending";
        case TaskState::Running:
            return "running";
        case TaskState::Completed:
            return "completed";
        case TaskState::Stopped:
            return "stopped";
        case TaskState::Failed:
            return "failed";
    }
    return "?";
}

TaskStatus taskStatus(const std::string& dir, const SweepTask& task, const Sweep& s)
{
    TaskStatus st;
    st.epochs = task.config.epochs;
    const fs::path file = fs::path(dir) / task.file, log = fs::path(dir) / task.log;
    const bool hasLog = fs::exists(log);
    if (!fs::exists(file)) {
        if (hasLog) {
            const std::string tail = lastLines(log.string(), 3);
            // A task that wrote a log but no file yet is running, or failed before its first epoch.
            st.state =
                tail.find("error") != std::string::npos ? TaskState::Failed : TaskState::Running;
            st.detail = tail;
        }
        return st;
    }
    try {
        const Experiment e = loadExperiment(file.string(), false);
        if (e.runs.empty()) {
            st.state = TaskState::Running;
            return st;
        }
        const RunRecord& r = e.runs.front();
        st.epochsDone = r.epochsDone();
        st.noiseDone = !r.noise.empty();
        switch (r.status) {
            case RunStatus::Completed:
                st.state =
                    (!s.noise.enabled || st.noiseDone) ? TaskState::Completed : TaskState::Running;
                break;
            case RunStatus::Running:
                st.state = TaskState::Running;
                break;
            case RunStatus::Stopped:
                st.state = TaskState::Stopped;
                st.detail = r.message;
                break;
            case RunStatus::Diverged:
            case RunStatus::Failed:
                st.state = TaskState::Failed;
                st.detail = r.message;
                break;
        }
    } catch (const Error& e) {
        // Being replaced right now, or damaged: say so, the next look will tell.
        st.state = TaskState::Running;
        st.detail = std::string("experiment file not readable now: ") + e.what();
    }
    if (st.state == TaskState::Failed && hasLog) st.detail += "\n" + lastLines(log.string(), 5);
    return st;
}

std::vector<std::string> collectSweep(const std::string& dir, std::vector<std::string>* missing)
{
    const Sweep s = loadSweepFolder(dir);
    std::map<std::string, std::vector<SweepTask>> byConfig;
    std::vector<std::string> order;
    for (const auto& t : sweepTasks(s)) {
        if (!byConfig.count(t.configId)) order.push_back(t.configId);
        byConfig[t.configId].push_back(t);
    }
    std::vector<std::string> written;
    for (const auto& id : order) {
        Experiment merged;
        bool any = false;
        for (const auto& t : byConfig[id]) {
            const fs::path file = fs::path(dir) / t.file;
            if (!fs::exists(file)) {
                if (missing) missing->push_back(t.id);
                continue;
            }
            Experiment e = loadExperiment(file.string());
            if (!any) {
                merged = e;
                merged.runs.clear();
                merged.config.seeds.clear();
                any = true;
            }
            for (auto& r : e.runs) {
                merged.config.seeds.push_back(r.seed);
                merged.runs.push_back(std::move(r));
            }
            merged.provenance.endTime = std::max(merged.provenance.endTime, e.provenance.endTime);
            merged.provenance.startTime =
                std::min(merged.provenance.startTime, e.provenance.startTime);
        }
        if (!any) continue;
        const std::string out = (fs::path(dir) / "results" / (id + ".h5")).string();
        saveExperiment(merged, out);
        written.push_back(out);
    }
    return written;
}

}  // namespace dwmtj::core
