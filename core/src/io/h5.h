#pragma once
// Thin RAII layer over the HDF5 C API, internal to the core. Every failure throws
// FileFormatError (reading) or Error (writing) naming the file and the HDF5 path.
#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

namespace dwmtj::core::h5 {

class Handle {
public:
    Handle() = default;
    Handle(hid_t id, herr_t (*close)(hid_t)) : m_id(id), m_close(close) {}
    Handle(Handle&& o) noexcept : m_id(o.m_id), m_close(o.m_close) { o.m_id = -1; }
    Handle& operator=(Handle&& o) noexcept;
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
    ~Handle();
    hid_t id() const { return m_id; }
    bool valid() const { return m_id >= 0; }
    /// Gives up ownership without closing; returns the id.
    hid_t release()
    {
        const hid_t id = m_id;
        m_id = -1;
        return id;
    }

private:
    hid_t m_id = -1;
    herr_t (*m_close)(hid_t) = nullptr;
};

/// Silences HDF5's automatic error printing (our messages replace it).
void quiet();

struct File {
    std::string path;
    Handle handle;
};

/// Opens a file for reading. The file is first read in a child process (the probe, see
/// docs/architecture.md, "Untrusted files"); a file that crashes libhdf5 there is refused.
File openRead(const std::string& path);
/// For the fuzz targets only: their structured mutations are well-formed files written by
/// libhdf5 itself, where the probe's fork per input would only cost time (default: on).
void setProbeEnabled(bool enabled);
File create(const std::string& path);  ///< truncates
/// Finishes a file being written: create() builds it in memory; close() writes the image
/// to the path (POSIX write + fsync) and throws Error naming the file when anything fails
/// (a full disk), removing the partial file. Every writer calls it: without it nothing is
/// written at all.
void close(File& f);

bool exists(const File& f, const std::string& objPath);
/// What a caller expects of a dataset, checked in one place (readDoubles/readFloats) before
/// anything is allocated or read: the exact rank, each extent (kAny = any length) and the
/// reason for the extents ("as /lut/voltage"), which the error message quotes.
inline constexpr std::uint64_t kAny = ~std::uint64_t(0);
struct Shape {
    std::vector<std::uint64_t> dims;
    std::string why;
};
/// "4 x 128", "any length", "4 x any"
std::string shapeText(const std::vector<std::uint64_t>& dims);

/// Reads a numeric dataset (HDF5 converts integer and float types) after checking its class,
/// its shape against `expected` and its element count against `maxElements`; returns the
/// values in row-major order and the dataset's extents in `dims`.
std::vector<double> readDoubles(const File& f, const std::string& dset, const Shape& expected,
                                std::vector<std::uint64_t>& dims,
                                std::uint64_t maxElements = 100'000'000);
void writeDoubles(const File& f, const std::string& dset, const std::vector<double>& data,
                  const std::vector<std::uint64_t>& dims);
std::vector<float> readFloats(const File& f, const std::string& dset, const Shape& expected,
                              std::vector<std::uint64_t>& dims,
                              std::uint64_t maxElements = 200'000'000);
void writeFloats(const File& f, const std::string& dset, const std::vector<float>& data,
                 const std::vector<std::uint64_t>& dims);
/// Unsigned bytes (bit-packed flags), with the same checks as readDoubles.
std::vector<std::uint8_t> readBytes(const File& f, const std::string& dset, const Shape& expected,
                                    std::vector<std::uint64_t>& dims,
                                    std::uint64_t maxElements = 100'000'000);
void writeBytes(const File& f, const std::string& dset, const std::vector<std::uint8_t>& data,
                const std::vector<std::uint64_t>& dims);
/// Copies the whole of the HDF5 file `srcPath` (its root group with attributes and
/// everything below) into `dstGroup` of `dst` (which must not exist yet).
void copyFileInto(const File& dst, const std::string& dstGroup, const std::string& srcPath);
/// A 1-D dataset of variable-length UTF-8 strings.
void writeStrings(const File& f, const std::string& dset, const std::vector<std::string>& values);
/// Names of the members of a group, sorted by name.
std::vector<std::string> children(const File& f, const std::string& group);
void writeInts(const File& f, const std::string& dset, const std::vector<std::int64_t>& data);
void createGroup(const File& f, const std::string& group);
void writeStringAttr(const File& f, const std::string& obj, const std::string& name,
                     const std::string& value);
void writeDoubleAttr(const File& f, const std::string& obj, const std::string& name, double value);
bool hasAttr(const File& f, const std::string& obj, const std::string& name);
std::string readStringAttr(const File& f, const std::string& obj, const std::string& name);
double readDoubleAttr(const File& f, const std::string& obj, const std::string& name);
/// Names of the attributes of an object.
std::vector<std::string> attrNames(const File& f, const std::string& obj);

}  // namespace dwmtj::core::h5
