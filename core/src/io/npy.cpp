// NumPy .npy and .npz readers (voltage, probability[, trials]).
//   .npy: one float or integer array of shape (N, 2) or (N, 3): voltage [V], probability,
//         optional trials.
//   .npz: either arrays named `voltage` [V] (or `current` [A]) and `probability` (optionally
//         `trials`), or a
//         single (N, 2|3) array. Stored and deflate-compressed members are supported.
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "dwmtj/device_io.h"
#include "dwmtj/error.h"
#include "io/device_builders.h"
#include "io/device_loaders.h"

namespace dwmtj::core {
namespace {

// Plausibility limits (docs/file-formats.md, "Files from elsewhere"): a device file holds thousands
// of rows; 256 MiB (32 million values as doubles) is far above any measurement.
constexpr std::uint64_t kMaxArrayBytes = std::uint64_t(1) << 28;
constexpr std::size_t kMaxZipEntries = 64;

struct NpyArray {
    std::vector<std::uint64_t> shape;
    std::vector<double> data;  // row-major
};

std::uint32_t le32(const unsigned char* p)
{
    return p[0] | (p[1] << 8) | (p[2] << 16) | (std::uint32_t(p[3]) << 24);
}
std::uint16_t le16(const unsigned char* p) { return std::uint16_t(p[0] | (p[1] << 8)); }

std::string dictValue(const std::string& header, const std::string& key)
{
    const auto k = header.find("'" + key + "'");
    if (k == std::string::npos) return {};
    auto colon = header.find(':', k);
    if (colon == std::string::npos) return {};
    ++colon;
    while (colon < header.size() && header[colon] == ' ') ++colon;
    if (colon >= header.size()) return {};
    if (header[colon] == '(') {
        const auto close = header.find(')', colon);
        return close == std::string::npos ? std::string{} : header.substr(colon, close - colon + 1);
    }
    if (header[colon] == '\'') {
        const auto close = header.find('\'', colon + 1);
        return close == std::string::npos ? std::string{}
                                          : header.substr(colon + 1, close - colon - 1);
    }
    const auto end = header.find_first_of(",}", colon);
    return header.substr(colon, end - colon);
}

/// One little-endian element of type T at `p` (unaligned), as a double.
template <typename T>
double loadAs(const char* p)
{
    T x;
    std::memcpy(&x, p, sizeof x);
    return double(x);
}

NpyArray parseNpy(const std::string& bytes, const std::string& path, const std::string& member)
{
    const std::string where = member.empty() ? "header" : "array '" + member + "'";
    const auto* u = reinterpret_cast<const unsigned char*>(bytes.data());
    if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0)
        throw FileFormatError(path, where, "the NumPy .npy magic '\\x93NUMPY'",
                              "other bytes (not a .npy array)");
    const int major = u[6];
    std::size_t hlen, hstart;
    if (major == 1) {
        hlen = le16(u + 8);
        hstart = 10;
    } else if (major == 2 || major == 3) {
        if (bytes.size() < 12)
            throw FileFormatError(path, where, "a complete header", "a truncated file");
        hlen = le32(u + 8);
        hstart = 12;
    } else
        throw FileFormatError(path, where, ".npy format version 1, 2 or 3",
                              "version " + std::to_string(major));
    if (hstart + hlen > bytes.size())
        throw FileFormatError(path, where, "a complete header", "a truncated file");
    const std::string header = bytes.substr(hstart, hlen);
    const std::string descr = dictValue(header, "descr");
    const std::string fortran = dictValue(header, "fortran_order");
    const std::string shapeText = dictValue(header, "shape");
    if (descr.size() < 3) throw FileFormatError(path, where, "a 'descr' entry", "'" + header + "'");
    const char endian = descr[0], kind = descr[1];
    int size = 0;
    try {
        size = std::stoi(descr.substr(2));
    } catch (...) {
        size = 0;
    }
    if (endian == '>' ||
        !((kind == 'f' && (size == 4 || size == 8)) ||
          ((kind == 'i' || kind == 'u') && (size == 1 || size == 2 || size == 4 || size == 8))))
        throw FileFormatError(path, where,
                              "a little-endian float or integer dtype (<f8, <f4, <i8, <i4, ...)",
                              "dtype '" + descr + "'");
    NpyArray a;
    std::string s = shapeText;
    for (char& c : s)
        if (c == '(' || c == ')' || c == ',') c = ' ';
    std::istringstream ss(s);
    std::uint64_t dim, total = 1;
    while (ss >> dim) {
        if (dim != 0 && total > kMaxArrayBytes / 8 / dim)
            throw FileFormatError(path, where, "an array under 256 MiB (as doubles)",
                                  "shape " + shapeText);
        a.shape.push_back(dim);
        total *= dim;
    }
    if (a.shape.empty())
        throw FileFormatError(path, where, "an array shape", "'" + shapeText + "'");
    if (total * 8 > kMaxArrayBytes)
        throw FileFormatError(path, where, "an array under 256 MiB (as doubles)",
                              "shape " + shapeText);
    const std::size_t dataStart = hstart + hlen;
    if (bytes.size() - dataStart < total * size)
        throw FileFormatError(path, where,
                              std::to_string(total * size) + " data bytes for shape " + shapeText,
                              std::to_string(bytes.size() - dataStart) + " (truncated)");
    a.data.resize(total);
    // One decoder per dtype (checked above: f4/f8, i1..i8, u1..u8, little-endian).
    double (*decode)(const char*) = nullptr;
    if (kind == 'f')
        decode = size == 8 ? loadAs<double> : loadAs<float>;
    else if (kind == 'i')
        decode = size == 1   ? loadAs<std::int8_t>
                 : size == 2 ? loadAs<std::int16_t>
                 : size == 4 ? loadAs<std::int32_t>
                             : loadAs<std::int64_t>;
    else
        decode = size == 1   ? loadAs<std::uint8_t>
                 : size == 2 ? loadAs<std::uint16_t>
                 : size == 4 ? loadAs<std::uint32_t>
                             : loadAs<std::uint64_t>;
    const char* p = bytes.data() + dataStart;
    for (std::uint64_t i = 0; i < total; ++i, p += size) a.data[i] = decode(p);
    if (fortran.find("True") != std::string::npos && a.shape.size() == 2) {
        std::vector<double> r(total);
        const auto rows = a.shape[0], cols = a.shape[1];
        for (std::uint64_t i = 0; i < rows; ++i)
            for (std::uint64_t j = 0; j < cols; ++j) r[i * cols + j] = a.data[j * rows + i];
        a.data.swap(r);
    }
    return a;
}

std::map<std::string, std::string> readZip(const std::string& bytes, const std::string& path)
{
    const auto* u = reinterpret_cast<const unsigned char*>(bytes.data());
    const std::size_t n = bytes.size();
    if (n < 22)
        throw FileFormatError(path, "", "a .npz (zip) archive", "a file too short to be one");
    std::size_t eocd = std::string::npos;
    for (std::size_t i = n - 22 + 1; i-- > (n > 65557 ? n - 65557 : 0);)
        if (le32(u + i) == 0x06054b50) {
            eocd = i;
            break;
        }
    if (eocd == std::string::npos)
        throw FileFormatError(path, "", "a .npz (zip) archive",
                              "no end-of-central-directory record (truncated or not a zip)");
    const std::size_t entries = le16(u + eocd + 10);
    if (entries > kMaxZipEntries)
        throw FileFormatError(path, "zip central directory",
                              "at most " + std::to_string(kMaxZipEntries) + " arrays",
                              std::to_string(entries) + " entries");
    std::size_t off = le32(u + eocd + 16);
    struct Entry {
        std::string name;
        int method;
        std::uint64_t csize, usize;
        std::size_t dataStart;
    };
    std::vector<Entry> list;
    // Everything the members would inflate to is bounded before anything is inflated (24
    // directory entries pointing at one 1 GiB deflate stream would be 24 GiB otherwise).
    std::uint64_t inflated = 0;
    for (std::size_t e = 0; e < entries; ++e) {
        if (off + 46 > n || le32(u + off) != 0x02014b50)
            throw FileFormatError(path, "zip central directory", "a valid entry", "corrupt data");
        Entry en;
        en.method = le16(u + off + 10);
        en.csize = le32(u + off + 20);
        en.usize = le32(u + off + 24);
        const std::size_t nameLen = le16(u + off + 28), extraLen = le16(u + off + 30),
                          commentLen = le16(u + off + 32);
        const std::size_t local = le32(u + off + 42);
        if (off + 46 + nameLen > n)
            throw FileFormatError(path, "zip central directory", "a valid entry",
                                  "a truncated name");
        en.name = bytes.substr(off + 46, nameLen);
        off += 46 + nameLen + extraLen + commentLen;
        if (en.csize == 0xffffffffu || en.usize == 0xffffffffu)
            throw FileFormatError(path, en.name, "a member under 4 GiB", "a ZIP64 member");
        inflated += en.usize;
        if (inflated > kMaxArrayBytes)
            throw FileFormatError(path, en.name, "arrays under 256 MiB in all (uncompressed)",
                                  std::to_string(inflated) + " bytes up to this member");
        if (local + 30 > n || le32(u + local) != 0x04034b50)
            throw FileFormatError(path, en.name, "a local file header", "corrupt data");
        en.dataStart = local + 30 + le16(u + local + 26) + le16(u + local + 28);
        if (en.dataStart + en.csize > n)
            throw FileFormatError(path, en.name, std::to_string(en.csize) + " bytes",
                                  "a truncated archive");
        list.push_back(std::move(en));
    }
    std::map<std::string, std::string> out;
    for (auto& [name, method, csize, usize, dataStart] : list) {
        std::string data;
        if (method == 0) {
            data = bytes.substr(dataStart, csize);
        } else if (method == 8) {
            data.resize(usize);
            z_stream zs{};
            if (inflateInit2(&zs, -MAX_WBITS) != Z_OK)
                throw Error(path + ": zlib initialisation failed");
            zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data() + dataStart));
            zs.avail_in = uInt(csize);
            zs.next_out = reinterpret_cast<Bytef*>(data.data());
            zs.avail_out = uInt(usize);
            const int rc = inflate(&zs, Z_FINISH);
            inflateEnd(&zs);
            if (rc != Z_STREAM_END || zs.total_out != usize)
                throw FileFormatError(path, name, "valid deflate data", "corrupt compressed data");
        } else {
            throw FileFormatError(path, name, "stored or deflate compression",
                                  "method " + std::to_string(method));
        }
        if (name.size() > 4 && name.substr(name.size() - 4) == ".npy")
            name = name.substr(0, name.size() - 4);
        out[name] = std::move(data);
    }
    return out;
}

std::vector<double> column1d(const NpyArray& a, const std::string& path, const std::string& name)
{
    if (a.shape.size() != 1 && !(a.shape.size() == 2 && a.shape[1] == 1))
        throw FileFormatError(path, "array '" + name + "'", "a 1-D array",
                              "shape with " + std::to_string(a.shape.size()) + " dimensions");
    return a.data;
}

}  // namespace

DeviceData loadDeviceNumpy(const std::string& path, const DeviceLoadOptions&)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw FileFormatError(path, "", "a readable file", "no such file");
    if (std::filesystem::file_size(path, ec) > 2 * kMaxArrayBytes)
        throw FileFormatError(path, "", "a file under 512 MiB", "a larger file");
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    const std::string bytes = ss.str();
    std::vector<double> v, p, n;
    Drive drive = Drive::Voltage;
    const bool npz = path.size() > 4 && (path.substr(path.size() - 4) == ".npz" ||
                                         path.substr(path.size() - 4) == ".NPZ");
    auto fromMatrix = [&](const NpyArray& a, const std::string& name) {
        if (a.shape.size() != 2 || (a.shape[1] != 2 && a.shape[1] != 3))
            throw FileFormatError(
                path, name.empty() ? "array" : "array '" + name + "'",
                "shape (N, 2) = (voltage, probability) or (N, 3) with trials",
                "shape with " + std::to_string(a.shape.size()) + " dims" +
                    (a.shape.size() == 2 ? " (" + std::to_string(a.shape[0]) + ", " +
                                               std::to_string(a.shape[1]) + ")"
                                         : ""));
        const auto cols = a.shape[1];
        for (std::uint64_t i = 0; i < a.shape[0]; ++i) {
            v.push_back(a.data[i * cols]);
            p.push_back(a.data[i * cols + 1]);
            if (cols == 3) n.push_back(a.data[i * cols + 2]);
        }
    };
    if (!npz) {
        fromMatrix(parseNpy(bytes, path, ""), "");
    } else {
        const auto members = readZip(bytes, path);
        // The drive array: `voltage` [V] or, for a current-driven device, `current` [A].
        const std::string x =
            members.count("current") && !members.count("voltage") ? "current" : "voltage";
        if (x == "current") drive = Drive::Current;
        if (members.count(x) && members.count("probability")) {
            v = column1d(parseNpy(members.at(x), path, x), path, x);
            p = column1d(parseNpy(members.at("probability"), path, "probability"), path,
                         "probability");
            if (p.size() != v.size())
                throw FileFormatError(path, "array 'probability'",
                                      std::to_string(v.size()) + " values (as '" + x + "')",
                                      std::to_string(p.size()));
            if (members.count("trials")) {
                n = column1d(parseNpy(members.at("trials"), path, "trials"), path, "trials");
                if (n.size() != v.size())
                    throw FileFormatError(path, "array 'trials'",
                                          std::to_string(v.size()) + " values (as '" + x + "')",
                                          std::to_string(n.size()));
            }
        } else if (members.size() == 1) {
            fromMatrix(parseNpy(members.begin()->second, path, members.begin()->first),
                       members.begin()->first);
        } else {
            std::string names;
            for (const auto& [k, _] : members) names += (names.empty() ? "" : ", ") + k;
            throw FileFormatError(
                path, "archive",
                "arrays 'voltage' (or 'current') and 'probability' (optionally 'trials'), or one "
                "(N, 2) array",
                names.empty() ? "no arrays" : "arrays " + names);
        }
    }
    std::vector<std::string> wh;
    for (std::size_t i = 0; i < v.size(); ++i) {
        wh.push_back("row " + std::to_string(i));
        for (double x : {v[i], p[i]})
            if (!std::isfinite(x))
                throw FileFormatError(path, wh.back(), "finite numbers", "NaN or inf");
        if (!n.empty() && !std::isfinite(n[i]))
            throw FileFormatError(path, wh.back(), "a finite trial count", "NaN or inf");
    }
    if (v.empty()) throw FileFormatError(path, "array", "at least one row", "an empty array");
    DeviceData d;
    d.sourcePath = path;
    detail::buildFromProbabilities(d, path, v, p, n, wh);
    d.drive = drive;
    return d;
}

}  // namespace dwmtj::core
