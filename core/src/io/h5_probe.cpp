// The HDF5 safety probe (docs/architecture.md, "Untrusted files").
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "dwmtj/error.h"
#include "io/h5_impl.h"

// Provided by the sanitizer runtimes (a sanitized or fuzzing build); null otherwise.
extern "C" void __sanitizer_set_death_callback(void (*)(void)) __attribute__((weak));

namespace dwmtj::core::h5 {
namespace {

// The probe (docs/architecture.md, "Untrusted files"). libhdf5 1.10 has known memory-safety
// faults on corrupt files (heap and B-tree structures, global heaps of variable-length
// strings) that no check of ours can rule out before calling into it. So a file is first
// read in a child process: every object is visited, every attribute read and every dataset
// up to the size limits, with the same memory types the loaders use. A crash or a hang
// there ends the child, not the program, and the file is refused; otherwise the loader
// reads it for real.

constexpr hssize_t kProbeMaxElements = 1 << 26;

void probeRead(hid_t obj, hid_t type, hid_t space, bool isAttr)
{
    const hssize_t n = H5Sget_simple_extent_npoints(space);
    if (n <= 0 || n > kProbeMaxElements) return;
    // Declared but not stored: the loader refuses it without reading, so the probe skips it.
    if (std::string found; !isAttr && impl::unwrittenData(obj, std::uint64_t(n), 8, found)) return;
    const H5T_class_t cls = H5Tget_class(type);
    auto read = [&](hid_t mem, void* buf) {
        return isAttr ? H5Aread(obj, mem, buf)
                      : H5Dread(obj, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
    };
    if (cls == H5T_INTEGER || cls == H5T_FLOAT) {
        std::vector<double> v(static_cast<std::size_t>(n));
        read(H5T_NATIVE_DOUBLE, v.data());
    } else if (cls == H5T_STRING) {
        const Handle mem = impl::memStringType(type);
        if (H5Tis_variable_str(type) > 0) {
            std::vector<char*> v(static_cast<std::size_t>(n), nullptr);
            if (read(mem.id(), v.data()) >= 0)
                for (char* p : v) H5free_memory(p);
        } else {
            const std::size_t size = H5Tget_size(type);
            if (size == 0 || size > impl::kMaxStringBytes / std::size_t(n)) return;
            std::vector<char> v(size * static_cast<std::size_t>(n));
            read(mem.id(), v.data());
        }
    }
}

herr_t probeObject(hid_t file, const char* name, const H5O_info_t* info, void*)
{
    Handle o(H5Oopen(file, name, H5P_DEFAULT), H5Oclose);
    if (!o.valid()) return 0;
    for (hsize_t i = 0; i < info->num_attrs; ++i) {
        char attrName[512];
        if (H5Aget_name_by_idx(o.id(), ".", H5_INDEX_NAME, H5_ITER_INC, i, attrName,
                               sizeof attrName, H5P_DEFAULT) < 0)
            continue;
        Handle a(H5Aopen(o.id(), attrName, H5P_DEFAULT), H5Aclose);
        if (!a.valid()) continue;
        Handle type(H5Aget_type(a.id()), H5Tclose), space(H5Aget_space(a.id()), H5Sclose);
        if (type.valid() && space.valid()) probeRead(a.id(), type.id(), space.id(), true);
    }
    if (info->type == H5O_TYPE_DATASET) {
        Handle type(H5Dget_type(o.id()), H5Tclose), space(H5Dget_space(o.id()), H5Sclose);
        if (type.valid() && space.valid()) probeRead(o.id(), type.id(), space.id(), false);
    } else if (info->type == H5O_TYPE_GROUP) {
        H5G_info_t g;
        if (H5Gget_info(o.id(), &g) >= 0)
            for (hsize_t i = 0; i < g.nlinks; ++i)
                H5Lget_name_by_idx(o.id(), ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0,
                                   H5P_DEFAULT);
    }
    return 0;
}

bool g_probe = true;

}  // namespace

int impl::probeFile(const char* path)
{
    quiet();
    const hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f >= 0)
        H5Ovisit2(f, H5_INDEX_NAME, H5_ITER_INC, probeObject, nullptr,
                  H5O_INFO_BASIC | H5O_INFO_NUM_ATTRS);
    return 0;
}

namespace {

/// The helper program that probes a file (dwmtj-h5probe): $DWMTJ_H5PROBE, else beside this
/// program (installed and in a build folder alike), else the build folder's; "" = none.
std::string helperProgram()
{
    if (const char* env = std::getenv("DWMTJ_H5PROBE"); env && *env) return env;
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const std::string beside = (self.parent_path() / "dwmtj-h5probe").string();
        if (::access(beside.c_str(), X_OK) == 0) return beside;
    }
#ifdef DWMTJ_H5PROBE_BUILD_PATH
    if (::access(DWMTJ_H5PROBE_BUILD_PATH, X_OK) == 0) return DWMTJ_H5PROBE_BUILD_PATH;
#endif
    return {};
}

/// Starts the helper on `path` with every signal at its default; -1 if it cannot start.
pid_t spawnHelper(const std::string& helper, const std::string& path)
{
    posix_spawnattr_t attr;
    if (posix_spawnattr_init(&attr) != 0) return -1;
    sigset_t all, none;
    sigfillset(&all);
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    std::string a0 = helper, a1 = path;
    char* argv[] = {a0.data(), a1.data(), nullptr};
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, helper.c_str(), nullptr, &attr, argv, environ);
    posix_spawnattr_destroy(&attr);
    return rc == 0 ? pid : -1;
}

}  // namespace

void impl::probeInChild(const std::string& path)
{
    if (!g_probe) return;
    std::error_code ec;
    const auto bytes = std::filesystem::file_size(path, ec);
    // Generous for a real file, even on a slow network file system (reading runs at
    // hundreds of MB/s locally), and bounded for a hostile one.
    const double limitSeconds = 10.0 + (ec ? 0.0 : double(bytes) / 10e6);
    // A helper program (fork + exec: nothing of this multithreaded process's state, locks or
    // handlers is in the child); without one, a forked copy of this process probes instead.
    const std::string helper = helperProgram();
    pid_t pid = helper.empty() ? -1 : spawnHelper(helper, path);
    if (pid < 0) pid = ::fork();
    if (pid < 0) return;  // no process to spare: the loader reads the file unprotected
    if (pid == 0) {
        // A fault in libhdf5 must simply end the child: no handler inherited from the
        // parent (a sanitizer's or libFuzzer's report and crash file) runs here.
        if (&__sanitizer_set_death_callback) __sanitizer_set_death_callback(nullptr);
        for (const int sig : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT}) std::signal(sig, SIG_DFL);
        probeFile(path.c_str());
        ::_exit(0);  // no exit handlers, no flushing of the parent's buffers
    }
    int status = 0;
    const auto start = std::chrono::steady_clock::now();
    auto pause = std::chrono::microseconds(200);
    for (;;) {
        const pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid) break;
        if (r < 0 && errno != EINTR) return;
        const double waited =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (waited > limitSeconds) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            throw FileFormatError(
                path, "", "an HDF5 file that libhdf5 reads in reasonable time",
                "a file libhdf5 was still reading after " + std::to_string(int(limitSeconds)) +
                    " s (corrupt or crafted)",
                "It was read in a separate process, so nothing else was affected");
        }
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::microseconds(20000));
    }
    unsigned major = 0, minor = 0, release = 0;
    H5get_libversion(&major, &minor, &release);
    const std::string version =
        std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(release);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127) return;  // the helper could not run
    if (WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) != 0))
        throw FileFormatError(
            path, "", "an HDF5 file that libhdf5 can read",
            "a file that crashes libhdf5 " + version +
                (WIFSIGNALED(status) ? " (signal " + std::to_string(WTERMSIG(status)) + ")" : "") +
                ": corrupt or crafted",
            "It was read in a separate process, so nothing else was affected");
}

void setProbeEnabled(bool enabled) { g_probe = enabled; }

}  // namespace dwmtj::core::h5
