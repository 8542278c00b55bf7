// The device-data formats (dwmtj/device_io.h, DeviceReader): one registered list that loading,
// folder listing, file dialogs and messages read.
#include <algorithm>
#include <filesystem>
#include <fstream>

#include "dwmtj/device_io.h"
#include "dwmtj/error.h"
#include "io/device_loaders.h"
#include "util/atomic_file.h"

namespace dwmtj::core {
namespace {

bool startsWith(std::string_view head, std::string_view magic)
{
    return head.substr(0, magic.size()) == magic;
}

std::vector<DeviceReader>& registry()
{
    static std::vector<DeviceReader> readers = {
        {"h5",
         "HDF5 device file",
         {".h5", ".hdf5", ".he5"},
         [](std::string_view head) { return startsWith(head, "\x89HDF\r\n\x1a\n"); },
         loadDeviceHdf5},
        {"numpy",
         "NumPy array or archive",
         {".npy", ".npz"},
         [](std::string_view head) {
             return startsWith(head, "\x93NUMPY") || startsWith(head, "PK\x03\x04");
         },
         loadDeviceNumpy},
        // Last: a file without an extension and without a binary signature is read as text.
        {"csv",
         "text table",
         {".csv", ".txt", ".tsv", ".dat"},
         [](std::string_view head) { return head.find('\0') == std::string_view::npos; },
         loadDeviceCsv},
    };
    return readers;
}

/// Up to the first 16 bytes of a file ("" when it cannot be read).
std::string head(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::string h(16, '\0');
    in.read(h.data(), std::streamsize(h.size()));
    h.resize(size_t(std::max<std::streamsize>(0, in.gcount())));
    return h;
}

const DeviceReader* readerByExtension(const std::string& ext)
{
    for (const DeviceReader& r : registry())
        if (std::find(r.extensions.begin(), r.extensions.end(), ext) != r.extensions.end())
            return &r;
    return nullptr;
}

}  // namespace

const std::vector<DeviceReader>& deviceReaders() { return registry(); }

void registerDeviceReader(DeviceReader reader)
{
    if (reader.id.empty() || reader.extensions.empty() || !reader.load)
        throw OptionsError("a device reader needs an id, extensions and a loader");
    for (const DeviceReader& r : registry())
        if (r.id == reader.id) throw OptionsError("device reader '" + reader.id + "' exists");
    for (std::string& e : reader.extensions) {
        std::transform(e.begin(), e.end(), e.begin(),
                       [](unsigned char c) { return char(std::tolower(c)); });
        if (e.size() < 2 || e[0] != '.' || readerByExtension(e))
            throw OptionsError("device reader '" + reader.id + "': extension '" + e +
                               "' is not '.' and a name, or is registered already");
    }
    // Before the text reader, whose signature check accepts anything without a NUL byte.
    auto& readers = registry();
    readers.insert(readers.end() - 1, std::move(reader));
}

const DeviceReader* deviceReaderFor(const std::string& path)
{
    const std::string ext = detail::lowerExtension(path);
    if (!ext.empty()) return readerByExtension(ext);
    const std::string h = head(path);
    for (const DeviceReader& r : registry())
        if (r.sniff && r.sniff(h)) return &r;
    return nullptr;
}

std::string deviceFilePatterns()
{
    std::string out;
    for (const DeviceReader& r : registry())
        for (const std::string& e : r.extensions) out += (out.empty() ? "*" : " *") + e;
    return out;
}

std::string deviceFormatsText()
{
    std::string out;
    const auto& readers = registry();
    for (size_t k = 0; k < readers.size(); ++k) {
        std::string exts;
        for (const std::string& e : readers[k].extensions) exts += (exts.empty() ? "" : "/") + e;
        out += std::string(k == 0 ? "a " : k + 1 == readers.size() ? " or " : ", ") + exts;
    }
    return out + " file";
}

DeviceData loadDeviceFile(const std::string& path, const DeviceLoadOptions& options)
{
    detail::requireRegularFile(path);
    const DeviceReader* reader = deviceReaderFor(path);
    if (!reader) {
        const std::string ext = detail::lowerExtension(path);
        throw FileFormatError(
            path, "", deviceFormatsText(),
            ext.empty() ? "no extension and no known signature" : "extension '" + ext + "'");
    }
    DeviceData d = detail::readNamingTheFile(path, [&] { return reader->load(path, options); });
    d.sourcePath = path;
    d.sourceSha256 = sha256File(path);
    return d;
}

std::vector<std::string> deviceFilesIn(const std::string& dir)
{
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
        if (e.is_regular_file() && readerByExtension(detail::lowerExtension(e.path().string())))
            out.push_back(e.path().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace dwmtj::core
