#include "io/h5.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "dwmtj/error.h"
#include "io/h5_impl.h"
#include "util/atomic_file.h"

namespace dwmtj::core::h5 {

Handle& Handle::operator=(Handle&& o) noexcept
{
    if (this != &o) {
        if (m_id >= 0 && m_close) m_close(m_id);
        m_id = o.m_id;
        m_close = o.m_close;
        o.m_id = -1;
    }
    return *this;
}

Handle::~Handle()
{
    if (m_id >= 0 && m_close) m_close(m_id);
}

namespace impl {
Handle memStringType(hid_t fileType)
{
    Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_cset(mem.id(), H5Tget_cset(fileType));
    if (H5Tis_variable_str(fileType) > 0) {
        H5Tset_size(mem.id(), H5T_VARIABLE);
    } else {
        H5Tset_size(mem.id(), H5Tget_size(fileType));
        H5Tset_strpad(mem.id(), H5Tget_strpad(fileType));
    }
    return mem;
}

bool unwrittenData(hid_t dset, std::uint64_t elements, std::size_t elementBytes, std::string& found)
{
    const double declared = double(elements) * double(elementBytes);
    if (declared < double(1 << 20)) return false;
    const double stored = double(H5Dget_storage_size(dset));
    const Handle plist(H5Dget_create_plist(dset), H5Pclose);
    const int filters = plist.valid() ? H5Pget_nfilters(plist.id()) : 0;
    const double maxRatio = filters > 0 ? 1100.0 : 1.0;  // deflate: at most about 1032 to 1
    if (stored * maxRatio >= declared) return false;
    found = std::to_string(elements) + " elements declared (" +
            std::to_string(std::uint64_t(declared)) + " bytes) but " +
            std::to_string(std::uint64_t(stored)) + " bytes stored (never written, or crafted)";
    return true;
}

}  // namespace impl

void quiet()
{
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    // External links are never followed: a file from elsewhere could make us open any path
    // (a FIFO blocks, a device reads without end). None of our formats uses them.
    if (H5Lis_registered(H5L_TYPE_EXTERNAL) > 0) H5Lunregister(H5L_TYPE_EXTERNAL);
}

File openRead(const std::string& path)
{
    quiet();
    if (!std::filesystem::exists(path))
        throw FileFormatError(path, "", "an existing HDF5 file", "no such file");
    detail::requireRegularFile(path);
    if (H5Fis_hdf5(path.c_str()) <= 0)
        throw FileFormatError(path, "", "an HDF5 file",
                              "no HDF5 signature (not HDF5, or truncated/corrupt)");
    impl::probeInChild(path);
    hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (id < 0)
        throw FileFormatError(path, "", "a readable HDF5 file",
                              "HDF5 could not open it (truncated or corrupt)");
    return File{path, Handle(id, H5Fclose)};
}

File create(const std::string& path)
{
    quiet();
    // The file is built in memory (core driver, no backing store) and written to `path`
    // by close() with plain POSIX writes whose every failure is seen. HDF5 itself never
    // writes to disk here: with the sec2 driver a full disk makes H5Fclose fail, the file
    // stays registered, and libhdf5 1.10 then crashes in its exit handler.
    Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
    if (!fapl.valid() || H5Pset_fapl_core(fapl.id(), std::size_t(1) << 20, 0) < 0 ||
        H5Pset_fclose_degree(fapl.id(), H5F_CLOSE_STRONG) < 0)
        throw Error(path + ": cannot set up the HDF5 file (HDF5 property list)");
    hid_t id = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.id());
    if (id < 0) throw Error(path + ": cannot create the HDF5 file");
    return File{path, Handle(id, H5Fclose)};
}

void close(File& f)
{
    if (!f.handle.valid()) return;
    const hid_t id = f.handle.release();
    std::vector<char> image;
    ssize_t size = H5Fflush(id, H5F_SCOPE_LOCAL) < 0 ? -1 : H5Fget_file_image(id, nullptr, 0);
    if (size > 0) {
        image.resize(std::size_t(size));
        size = H5Fget_file_image(id, image.data(), image.size());
    }
    if (H5Fclose(id) < 0 || size <= 0) throw Error(f.path + ": HDF5 could not assemble the file");
    const int fd = ::open(f.path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        throw Error(f.path + ": cannot create the file (" + std::strerror(errno) +
                    "; is the folder writable?)");
    std::size_t done = 0;
    while (done < image.size()) {
        const ssize_t n = ::write(fd, image.data() + done, image.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const std::string why = n < 0 ? std::strerror(errno) : "nothing written";
            ::close(fd);
            ::unlink(f.path.c_str());
            throw Error(f.path + ": writing failed after " + std::to_string(done) + " of " +
                        std::to_string(image.size()) + " bytes (" + why + "; disk full?)");
        }
        done += std::size_t(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        const std::string why = std::strerror(errno);
        ::unlink(f.path.c_str());
        throw Error(f.path + ": writing failed (" + why + "; disk full?)");
    }
}

bool exists(const File& f, const std::string& objPath)
{
    // Check each component: H5Lexists fails (rather than returns 0) on a missing parent.
    std::string partial;
    std::size_t pos = 1;
    while (pos <= objPath.size()) {
        const std::size_t next = objPath.find('/', pos);
        partial = objPath.substr(0, next == std::string::npos ? objPath.size() : next);
        if (H5Lexists(f.handle.id(), partial.c_str(), H5P_DEFAULT) <= 0) return false;
        if (next == std::string::npos) break;
        pos = next + 1;
    }
    return true;
}

std::string shapeText(const std::vector<std::uint64_t>& dims)
{
    if (dims.empty()) return "a scalar";
    std::string s;
    for (std::size_t k = 0; k < dims.size(); ++k)
        s += (k ? " x " : "") + (dims[k] == kAny ? std::string("any") : std::to_string(dims[k]));
    return dims.size() == 1 && dims[0] == kAny ? "any length" : s;
}

namespace {
template <typename V>
std::vector<V> readNumeric(const File& f, const std::string& dset, const Shape& expected,
                           std::vector<std::uint64_t>& dims, std::uint64_t maxElements,
                           hid_t memType)
{
    if (!exists(f, dset)) throw FileFormatError(f.path, dset, "a dataset", "nothing at this path");
    Handle d(H5Dopen2(f.handle.id(), dset.c_str(), H5P_DEFAULT), H5Dclose);
    if (!d.valid())
        throw FileFormatError(f.path, dset, "a dataset", "an object that is not a dataset");
    Handle type(H5Dget_type(d.id()), H5Tclose);
    const H5T_class_t cls = H5Tget_class(type.id());
    if (cls != H5T_INTEGER && cls != H5T_FLOAT)
        throw FileFormatError(f.path, dset, "a numeric dataset (integer or float)",
                              cls == H5T_STRING ? "strings" : "a non-numeric datatype");
    Handle space(H5Dget_space(d.id()), H5Sclose);
    const H5S_class_t spaceClass =
        space.valid() ? H5Sget_simple_extent_type(space.id()) : H5S_NO_CLASS;
    const int rank = spaceClass == H5S_SIMPLE ? H5Sget_simple_extent_ndims(space.id()) : 0;
    std::vector<hsize_t> hd(std::size_t(std::max(rank, 0)));
    if (rank > 0) H5Sget_simple_extent_dims(space.id(), hd.data(), nullptr);
    dims.assign(hd.begin(), hd.end());
    const std::string wanted =
        shapeText(expected.dims) + (expected.why.empty() ? "" : " (" + expected.why + ")");
    if (spaceClass != H5S_SIMPLE || rank != int(expected.dims.size()))
        throw FileFormatError(f.path, dset, wanted,
                              spaceClass == H5S_SCALAR ? "a scalar"
                              : spaceClass == H5S_NULL
                                  ? "an empty (null) dataspace"
                                  : "rank " + std::to_string(rank) + " (" + shapeText(dims) + ")");
    for (std::size_t k = 0; k < dims.size(); ++k)
        if (expected.dims[k] != kAny && expected.dims[k] != dims[k])
            throw FileFormatError(f.path, dset, wanted, shapeText(dims));
    std::uint64_t total = 1;
    for (auto x : dims) {
        if (x != 0 && total > maxElements / x)
            throw FileFormatError(f.path, dset,
                                  "at most " + std::to_string(maxElements) + " elements",
                                  shapeText(dims));
        total *= x;
    }
    if (total > maxElements)
        throw FileFormatError(f.path, dset, "at most " + std::to_string(maxElements) + " elements",
                              std::to_string(total));
    if (std::string found; impl::unwrittenData(d.id(), total, sizeof(V), found))
        throw FileFormatError(f.path, dset, "a dataset whose data the file stores", found);
    std::vector<V> out(total);
    if (total > 0 && H5Dread(d.id(), memType, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0)
        throw FileFormatError(f.path, dset, "readable data", "a read error (truncated file?)");
    return out;
}
}  // namespace

std::vector<double> readDoubles(const File& f, const std::string& dset, const Shape& expected,
                                std::vector<std::uint64_t>& dims, std::uint64_t maxElements)
{
    return readNumeric<double>(f, dset, expected, dims, maxElements, H5T_NATIVE_DOUBLE);
}

std::vector<float> readFloats(const File& f, const std::string& dset, const Shape& expected,
                              std::vector<std::uint64_t>& dims, std::uint64_t maxElements)
{
    return readNumeric<float>(f, dset, expected, dims, maxElements, H5T_NATIVE_FLOAT);
}

std::vector<std::uint8_t> readBytes(const File& f, const std::string& dset, const Shape& expected,
                                    std::vector<std::uint64_t>& dims, std::uint64_t maxElements)
{
    return readNumeric<std::uint8_t>(f, dset, expected, dims, maxElements, H5T_NATIVE_UINT8);
}

namespace {
void ensureParents(const File& f, const std::string& path)
{
    std::size_t pos = 1;
    while ((pos = path.find('/', pos)) != std::string::npos) {
        const std::string g = path.substr(0, pos);
        if (H5Lexists(f.handle.id(), g.c_str(), H5P_DEFAULT) <= 0) createGroup(f, g);
        ++pos;
    }
}

Handle openObject(const File& f, const std::string& obj)
{
    Handle h(H5Oopen(f.handle.id(), obj.c_str(), H5P_DEFAULT), H5Oclose);
    if (!h.valid()) throw FileFormatError(f.path, obj, "an HDF5 object", "nothing at this path");
    return h;
}
}  // namespace

void createGroup(const File& f, const std::string& group)
{
    ensureParents(f, group);
    if (H5Lexists(f.handle.id(), group.c_str(), H5P_DEFAULT) > 0) return;
    Handle g(H5Gcreate2(f.handle.id(), group.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
             H5Gclose);
    if (!g.valid()) throw Error(f.path + ": cannot create group " + group);
}

void writeDoubles(const File& f, const std::string& dset, const std::vector<double>& data,
                  const std::vector<std::uint64_t>& dims)
{
    ensureParents(f, dset);
    std::vector<hsize_t> hd(dims.begin(), dims.end());
    Handle space(H5Screate_simple(int(hd.size()), hd.data(), nullptr), H5Sclose);
    Handle d(H5Dcreate2(f.handle.id(), dset.c_str(), H5T_IEEE_F64LE, space.id(), H5P_DEFAULT,
                        H5P_DEFAULT, H5P_DEFAULT),
             H5Dclose);
    if (!d.valid() ||
        H5Dwrite(d.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()) < 0)
        throw Error(f.path + ": cannot write dataset " + dset);
}

void writeBytes(const File& f, const std::string& dset, const std::vector<std::uint8_t>& data,
                const std::vector<std::uint64_t>& dims)
{
    ensureParents(f, dset);
    std::vector<hsize_t> hd(dims.begin(), dims.end());
    Handle space(H5Screate_simple(int(hd.size()), hd.data(), nullptr), H5Sclose);
    Handle d(H5Dcreate2(f.handle.id(), dset.c_str(), H5T_STD_U8LE, space.id(), H5P_DEFAULT,
                        H5P_DEFAULT, H5P_DEFAULT),
             H5Dclose);
    if (!d.valid() ||
        H5Dwrite(d.id(), H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()) < 0)
        throw Error(f.path + ": cannot write dataset " + dset);
}

void writeFloats(const File& f, const std::string& dset, const std::vector<float>& data,
                 const std::vector<std::uint64_t>& dims)
{
    ensureParents(f, dset);
    std::vector<hsize_t> hd(dims.begin(), dims.end());
    Handle space(H5Screate_simple(int(hd.size()), hd.data(), nullptr), H5Sclose);
    Handle d(H5Dcreate2(f.handle.id(), dset.c_str(), H5T_IEEE_F32LE, space.id(), H5P_DEFAULT,
                        H5P_DEFAULT, H5P_DEFAULT),
             H5Dclose);
    if (!d.valid() ||
        H5Dwrite(d.id(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()) < 0)
        throw Error(f.path + ": cannot write dataset " + dset);
}

void copyFileInto(const File& dst, const std::string& dstGroup, const std::string& srcPath)
{
    const File src = openRead(srcPath);
    ensureParents(dst, dstGroup);
    Handle ocpypl(H5Pcreate(H5P_OBJECT_COPY), H5Pclose);
    if (H5Ocopy(src.handle.id(), "/", dst.handle.id(), dstGroup.c_str(), ocpypl.id(), H5P_DEFAULT) <
        0)
        throw Error(dst.path + ": cannot copy " + srcPath + " into " + dstGroup);
}

void writeStrings(const File& f, const std::string& dset, const std::vector<std::string>& values)
{
    ensureParents(f, dset);
    Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(type.id(), H5T_VARIABLE);
    H5Tset_cset(type.id(), H5T_CSET_UTF8);
    const hsize_t n = values.size();
    Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose);
    Handle d(H5Dcreate2(f.handle.id(), dset.c_str(), type.id(), space.id(), H5P_DEFAULT,
                        H5P_DEFAULT, H5P_DEFAULT),
             H5Dclose);
    std::vector<const char*> ptrs;
    for (const auto& v : values) ptrs.push_back(v.c_str());
    if (!d.valid() ||
        (n > 0 && H5Dwrite(d.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()) < 0))
        throw Error(f.path + ": cannot write dataset " + dset);
}

std::vector<std::string> children(const File& f, const std::string& group)
{
    Handle g(H5Gopen2(f.handle.id(), group.c_str(), H5P_DEFAULT), H5Gclose);
    if (!g.valid()) throw FileFormatError(f.path, group, "a group", "nothing at this path");
    H5G_info_t info;
    if (H5Gget_info(g.id(), &info) < 0)
        throw FileFormatError(f.path, group, "a readable group", "an error");
    std::vector<std::string> out;
    for (hsize_t i = 0; i < info.nlinks; ++i) {
        const ssize_t n =
            H5Lget_name_by_idx(g.id(), ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
        if (n < 0) continue;
        std::string name(size_t(n), '\0');
        H5Lget_name_by_idx(g.id(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), size_t(n) + 1,
                           H5P_DEFAULT);
        out.push_back(name);
    }
    return out;
}

void writeInts(const File& f, const std::string& dset, const std::vector<std::int64_t>& data)
{
    ensureParents(f, dset);
    hsize_t n = data.size();
    Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose);
    Handle d(H5Dcreate2(f.handle.id(), dset.c_str(), H5T_STD_I64LE, space.id(), H5P_DEFAULT,
                        H5P_DEFAULT, H5P_DEFAULT),
             H5Dclose);
    if (!d.valid() ||
        H5Dwrite(d.id(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()) < 0)
        throw Error(f.path + ": cannot write dataset " + dset);
}

void writeStringAttr(const File& f, const std::string& obj, const std::string& name,
                     const std::string& value)
{
    Handle o = openObject(f, obj);
    // Variable-length UTF-8: h5py reads these as Python str (fixed-length ones come as bytes).
    Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(type.id(), H5T_VARIABLE);
    H5Tset_cset(type.id(), H5T_CSET_UTF8);
    Handle space(H5Screate(H5S_SCALAR), H5Sclose);
    if (H5Aexists(o.id(), name.c_str()) > 0) H5Adelete(o.id(), name.c_str());
    Handle a(H5Acreate2(o.id(), name.c_str(), type.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT),
             H5Aclose);
    const char* data = value.c_str();
    if (!a.valid() || H5Awrite(a.id(), type.id(), &data) < 0)
        throw Error(f.path + ": cannot write attribute " + obj + "@" + name);
}

void writeDoubleAttr(const File& f, const std::string& obj, const std::string& name, double value)
{
    Handle o = openObject(f, obj);
    Handle space(H5Screate(H5S_SCALAR), H5Sclose);
    if (H5Aexists(o.id(), name.c_str()) > 0) H5Adelete(o.id(), name.c_str());
    Handle a(H5Acreate2(o.id(), name.c_str(), H5T_IEEE_F64LE, space.id(), H5P_DEFAULT, H5P_DEFAULT),
             H5Aclose);
    if (!a.valid() || H5Awrite(a.id(), H5T_NATIVE_DOUBLE, &value) < 0)
        throw Error(f.path + ": cannot write attribute " + obj + "@" + name);
}

bool hasAttr(const File& f, const std::string& obj, const std::string& name)
{
    if (!exists(f, obj) && obj != "/") return false;
    Handle o = openObject(f, obj);
    return H5Aexists(o.id(), name.c_str()) > 0;
}

namespace {
/// An attribute that should hold one value must have a scalar (or one-element) dataspace:
/// reading an array into one variable overruns it.
void requireOneElement(const File& f, const Handle& a, const std::string& where,
                       const char* expected)
{
    Handle space(H5Aget_space(a.id()), H5Sclose);
    const hssize_t n = space.valid() ? H5Sget_simple_extent_npoints(space.id()) : -1;
    if (n != 1)
        throw FileFormatError(f.path, where, expected,
                              n < 0 ? std::string("an unreadable dataspace")
                                    : "an array of " + std::to_string(n) + " elements");
}
}  // namespace

std::string readStringAttr(const File& f, const std::string& obj, const std::string& name)
{
    Handle o = openObject(f, obj);
    Handle a(H5Aopen(o.id(), name.c_str(), H5P_DEFAULT), H5Aclose);
    if (!a.valid())
        throw FileFormatError(f.path, obj + "@" + name, "a string attribute", "no such attribute");
    Handle type(H5Aget_type(a.id()), H5Tclose);
    if (H5Tget_class(type.id()) != H5T_STRING)
        throw FileFormatError(f.path, obj + "@" + name, "a string attribute",
                              "a non-string attribute");
    requireOneElement(f, a, obj + "@" + name, "one string");
    const std::size_t n = H5Tget_size(type.id());
    if (H5Tis_variable_str(type.id()) <= 0 && n > impl::kMaxStringBytes)
        throw FileFormatError(f.path, obj + "@" + name, "a string under 64 MiB", "a larger string");
    const Handle mem = impl::memStringType(type.id());
    if (H5Tis_variable_str(type.id()) > 0) {
        char* s = nullptr;
        if (H5Aread(a.id(), mem.id(), &s) < 0 || !s)
            throw FileFormatError(f.path, obj + "@" + name, "a readable string", "a read error");
        std::string out(s);
        H5free_memory(s);
        return out;
    }
    std::string buf(n, '\0');
    if (H5Aread(a.id(), mem.id(), buf.data()) < 0)
        throw FileFormatError(f.path, obj + "@" + name, "a readable string", "a read error");
    const auto end = buf.find('\0');
    return end == std::string::npos ? buf : buf.substr(0, end);
}

double readDoubleAttr(const File& f, const std::string& obj, const std::string& name)
{
    Handle o = openObject(f, obj);
    Handle a(H5Aopen(o.id(), name.c_str(), H5P_DEFAULT), H5Aclose);
    if (!a.valid())
        throw FileFormatError(f.path, obj + "@" + name, "a numeric attribute", "no such attribute");
    Handle type(H5Aget_type(a.id()), H5Tclose);
    const auto cls = H5Tget_class(type.id());
    if (cls != H5T_INTEGER && cls != H5T_FLOAT)
        throw FileFormatError(f.path, obj + "@" + name, "a numeric attribute",
                              "a non-numeric attribute");
    requireOneElement(f, a, obj + "@" + name, "one number");
    double v = 0;
    if (H5Aread(a.id(), H5T_NATIVE_DOUBLE, &v) < 0)
        throw FileFormatError(f.path, obj + "@" + name, "a readable number", "a read error");
    return v;
}

std::vector<std::string> attrNames(const File& f, const std::string& obj)
{
    Handle o = openObject(f, obj);
    H5O_info_t info;
    std::vector<std::string> names;
    if (H5Oget_info2(o.id(), &info, H5O_INFO_NUM_ATTRS) < 0) return names;
    for (hsize_t i = 0; i < info.num_attrs; ++i) {
        char buf[512];
        if (H5Aget_name_by_idx(o.id(), ".", H5_INDEX_NAME, H5_ITER_INC, i, buf, sizeof buf,
                               H5P_DEFAULT) >= 0)
            names.emplace_back(buf);
    }
    return names;
}

}  // namespace dwmtj::core::h5
