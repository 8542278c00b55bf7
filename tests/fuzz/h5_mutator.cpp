#include "h5_mutator.h"

#include <fuzzer/FuzzedDataProvider.h>
#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>

#include "fuzz_support.h"
#include "io/h5.h"

namespace dwmtj::fuzz {
namespace {

struct Object {
    std::string path;
    H5O_type_t type;
    std::vector<std::string> attrs;
};

herr_t visitObject(hid_t, const char* name, const H5O_info_t* info, void* op)
{
    auto* out = static_cast<std::vector<Object>*>(op);
    const std::string n = name;
    out->push_back({n == "." ? "/" : "/" + n, info->type, {}});
    return 0;
}

herr_t visitAttr(hid_t, const char* name, const H5A_info_t*, void* op)
{
    static_cast<std::vector<std::string>*>(op)->push_back(name);
    return 0;
}

double specialValue(FuzzedDataProvider& fdp)
{
    static const double values[] = {std::nan(""),
                                    std::numeric_limits<double>::infinity(),
                                    -std::numeric_limits<double>::infinity(),
                                    0.0,
                                    -1.0,
                                    1.0,
                                    2.0,
                                    64.0,
                                    65.0,
                                    1e9,
                                    2147483648.0,
                                    -2147483649.0,
                                    1.8446744073709552e19,
                                    1e300,
                                    -1e300,
                                    0.5,
                                    1e-300};
    if (fdp.ConsumeBool()) return fdp.PickValueInArray(values);
    return fdp.ConsumeFloatingPoint<double>();
}

std::uint64_t extentFor(FuzzedDataProvider& fdp, std::uint64_t original)
{
    switch (fdp.ConsumeIntegralInRange(0, 7)) {
        case 0:
            return 0;
        case 1:
            return 1;
        case 2:
            return original + 1;
        case 3:
            return original > 0 ? original - 1 : 0;
        case 4:
            return fdp.ConsumeIntegralInRange<std::uint64_t>(0, 4096);
        case 5:
            return fdp.PickValueInArray<std::uint64_t>({40'000'000, 1ull << 31, 1ull << 40});
        default:
            return original;
    }
}

/// A datatype for a new attribute or dataset; `isString` says how to fill it.
hid_t pickType(FuzzedDataProvider& fdp, int& kind)
{
    kind = fdp.ConsumeIntegralInRange(0, 6);
    switch (kind) {
        case 0:
            return H5Tcopy(H5T_IEEE_F64LE);
        case 1:
            return H5Tcopy(H5T_IEEE_F32LE);
        case 2:
            return H5Tcopy(H5T_STD_I64LE);
        case 3:
            return H5Tcopy(H5T_STD_U8LE);
        case 4: {  // fixed-length string
            hid_t t = H5Tcopy(H5T_C_S1);
            H5Tset_size(t, fdp.ConsumeIntegralInRange<std::size_t>(1, 300));
            return t;
        }
        case 5: {  // variable-length string
            hid_t t = H5Tcopy(H5T_C_S1);
            H5Tset_size(t, H5T_VARIABLE);
            H5Tset_cset(t, H5T_CSET_UTF8);
            return t;
        }
        default: {  // a compound no loader expects
            hid_t t = H5Tcreate(H5T_COMPOUND, 16);
            H5Tinsert(t, "a", 0, H5T_NATIVE_DOUBLE);
            H5Tinsert(t, "b", 8, H5T_NATIVE_DOUBLE);
            return t;
        }
    }
}

/// Fills a buffer of `n` elements of `type` (numeric or string) from the fuzzer.
struct Buffer {
    std::vector<double> f64;
    std::vector<float> f32;
    std::vector<long long> i64;
    std::vector<unsigned char> bytes;
    std::vector<std::string> strings;
    std::vector<const char*> ptrs;
    hid_t memType = -1;
    const void* data = nullptr;
};

template <typename T, typename Gen>
void fillWith(Buffer& b, std::vector<T>& values, std::size_t n, hid_t memType, Gen gen)
{
    values.resize(n);
    for (auto& v : values) v = gen();
    b.memType = memType;
    b.data = values.data();
}

void fill(FuzzedDataProvider& fdp, int kind, hid_t type, std::size_t n, Buffer& b)
{
    switch (kind) {
        case 0:
        case 6:
            b.f64.resize(kind == 6 ? 2 * n : n);
            for (auto& v : b.f64) v = specialValue(fdp);
            b.memType = kind == 6 ? type : H5T_NATIVE_DOUBLE;
            b.data = b.f64.data();
            break;
        case 1:
            fillWith(b, b.f32, n, H5T_NATIVE_FLOAT, [&] { return float(specialValue(fdp)); });
            break;
        case 2:
            fillWith(b, b.i64, n, H5T_NATIVE_LLONG,
                     [&] { return fdp.ConsumeIntegral<long long>(); });
            break;
        case 3:
            fillWith(b, b.bytes, n, H5T_NATIVE_UCHAR,
                     [&] { return fdp.ConsumeIntegral<unsigned char>(); });
            break;
        case 4: {
            const std::size_t len = H5Tget_size(type);
            b.bytes.resize(n * len);
            const auto text = fdp.ConsumeBytes<unsigned char>(len);
            for (std::size_t i = 0; i < n; ++i)
                std::copy(text.begin(), text.end(), b.bytes.begin() + long(i * len));
            b.memType = type;
            b.data = b.bytes.data();
            break;
        }
        case 5: {
            static const char* words[] = {
                "binary",    "multistate", "completed",    "running", "dwmtj-experiment",
                "dwmtj-lut", "pixel",      "standardized", "1,2,3",   "lif",
                ""};
            b.strings.resize(n);
            for (auto& s : b.strings)
                s = fdp.ConsumeBool() ? std::string(fdp.PickValueInArray(words))
                                      : fdp.ConsumeRandomLengthString(64);
            for (const auto& s : b.strings) b.ptrs.push_back(s.c_str());
            b.memType = type;
            b.data = b.ptrs.data();
            break;
        }
    }
}

std::string parentOf(const std::string& path)
{
    const auto slash = path.rfind('/');
    return slash == 0 ? "/" : path.substr(0, slash);
}

void editAttribute(hid_t file, const Object& o, FuzzedDataProvider& fdp, const std::string& name,
                   int mode)
{
    hid_t obj = H5Oopen(file, o.path.c_str(), H5P_DEFAULT);
    if (obj < 0) return;
    if (H5Aexists(obj, name.c_str()) > 0) H5Adelete(obj, name.c_str());
    if (mode != 0) {  // 0 = delete only
        int kind = 0;
        const hid_t type = pickType(fdp, kind);
        std::size_t n = 1;
        hid_t space;
        if (mode == 1 || fdp.ConsumeBool()) {
            space = H5Screate(H5S_SCALAR);
        } else {
            const hsize_t dim = fdp.PickValueInArray<hsize_t>({0, 1, 2, 64, 4096});
            n = std::size_t(dim);
            space = H5Screate_simple(1, &dim, nullptr);
        }
        Buffer b;
        fill(fdp, kind, type, n, b);
        const hid_t a = H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT);
        if (a >= 0) {
            if (n > 0) H5Awrite(a, b.memType, b.data);
            H5Aclose(a);
        }
        H5Sclose(space);
        H5Tclose(type);
    }
    H5Oclose(obj);
}

void replaceDataset(hid_t file, const Object& o, FuzzedDataProvider& fdp)
{
    std::vector<hsize_t> dims;
    if (o.type == H5O_TYPE_DATASET) {
        const hid_t d = H5Dopen2(file, o.path.c_str(), H5P_DEFAULT);
        if (d >= 0) {
            const hid_t s = H5Dget_space(d);
            const int rank = H5Sget_simple_extent_ndims(s);
            if (rank > 0 && rank <= 8) {
                dims.resize(std::size_t(rank));
                H5Sget_simple_extent_dims(s, dims.data(), nullptr);
            }
            H5Sclose(s);
            H5Dclose(d);
        }
    }
    if (H5Ldelete(file, o.path.c_str(), H5P_DEFAULT) < 0) return;
    const int rank =
        fdp.ConsumeBool() && !dims.empty() ? int(dims.size()) : fdp.ConsumeIntegralInRange(0, 3);
    std::vector<hsize_t> nd(static_cast<std::size_t>(rank));
    std::uint64_t total = 1;
    for (int k = 0; k < rank; ++k) {
        nd[std::size_t(k)] = extentFor(fdp, k < int(dims.size()) ? dims[std::size_t(k)] : 4);
        total = nd[std::size_t(k)] == 0
                    ? 0
                    : std::min<std::uint64_t>(total * nd[std::size_t(k)], 1ull << 62);
    }
    int kind = 0;
    const hid_t type = fdp.ConsumeBool() ? H5Tcopy(H5T_IEEE_F64LE) : pickType(fdp, kind);
    const hid_t space =
        rank == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(rank, nd.data(), nullptr);
    if (rank == 0) total = 1;
    const bool huge = total > 1'000'000;
    const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (huge && rank > 0) {  // declared, never written: chunked storage with no chunks
        std::vector<hsize_t> chunk(std::size_t(rank), 1);
        chunk.back() = std::max<hsize_t>(1, std::min<hsize_t>(nd.back(), 4096));
        H5Pset_chunk(dcpl, rank, chunk.data());
    }
    const hid_t d = H5Dcreate2(file, o.path.c_str(), type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (d >= 0) {
        if (!huge && total > 0) {
            Buffer b;
            fill(fdp, kind, type, std::size_t(total), b);
            H5Dwrite(d, b.memType, H5S_ALL, H5S_ALL, H5P_DEFAULT, b.data);
        }
        H5Dclose(d);
    }
    H5Pclose(dcpl);
    H5Sclose(space);
    H5Tclose(type);
}

void pokeDataset(hid_t file, const Object& o, FuzzedDataProvider& fdp)
{
    const hid_t d = H5Dopen2(file, o.path.c_str(), H5P_DEFAULT);
    if (d < 0) return;
    const hid_t s = H5Dget_space(d);
    const hssize_t n = H5Sget_simple_extent_npoints(s);
    const hid_t t = H5Dget_type(d);
    const H5T_class_t cls = H5Tget_class(t);
    if (n > 0 && n <= 1'000'000 && (cls == H5T_FLOAT || cls == H5T_INTEGER)) {
        std::vector<double> v(static_cast<std::size_t>(n));
        if (H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) >= 0) {
            const int edits = fdp.ConsumeIntegralInRange(1, 4);
            for (int e = 0; e < edits; ++e)
                v[fdp.ConsumeIntegralInRange<std::size_t>(0, v.size() - 1)] = specialValue(fdp);
            // Conversion of NaN or out-of-range values to an integer type fails or clips:
            // either way the file changes the way a sender's would.
            H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
        }
    }
    H5Tclose(t);
    H5Sclose(s);
    H5Dclose(d);
}

void replaceWithLink(hid_t file, const Object& o, const std::vector<Object>& objects,
                     FuzzedDataProvider& fdp)
{
    if (o.path == "/" || H5Ldelete(file, o.path.c_str(), H5P_DEFAULT) < 0) return;
    switch (fdp.ConsumeIntegralInRange(0, 3)) {
        case 0:  // a cycle: the link points at its own parent
            H5Lcreate_soft(parentOf(o.path).c_str(), file, o.path.c_str(), H5P_DEFAULT,
                           H5P_DEFAULT);
            break;
        case 1:  // another object
            H5Lcreate_soft(objects[fdp.ConsumeIntegralInRange<std::size_t>(0, objects.size() - 1)]
                               .path.c_str(),
                           file, o.path.c_str(), H5P_DEFAULT, H5P_DEFAULT);
            break;
        case 2:  // dangling
            H5Lcreate_soft("/nowhere", file, o.path.c_str(), H5P_DEFAULT, H5P_DEFAULT);
            break;
        default:  // another file: a FIFO, a device, or a file that does not exist
            H5Lcreate_external(fdp.PickValueInArray({"/dev/zero", "/dev/stdin", "/nonexistent.h5",
                                                     "/proc/self/mem"}),
                               o.path.c_str(), file, o.path.c_str(), H5P_DEFAULT, H5P_DEFAULT);
            break;
    }
}

void rawByteEdits(const std::string& base, FuzzedDataProvider& fdp, const std::string& outPath)
{
    std::ifstream in(base, std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const int edits = fdp.ConsumeIntegralInRange(1, 16);
    for (int e = 0; e < edits && !bytes.empty(); ++e) {
        const std::size_t at = fdp.ConsumeIntegralInRange<std::size_t>(0, bytes.size() - 1);
        bytes[at] = char(fdp.ConsumeIntegral<unsigned char>());
    }
    if (fdp.ConsumeBool()) bytes.resize(fdp.ConsumeIntegralInRange<std::size_t>(0, bytes.size()));
    std::ofstream(outPath, std::ios::binary | std::ios::trunc)
        .write(bytes.data(), long(bytes.size()));
}

void mutateHdf5(const std::vector<std::string>& bases, FuzzedDataProvider& fdp,
                const std::string& outPath)
{
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    const std::string& base = bases[fdp.ConsumeIntegralInRange<std::size_t>(0, bases.size() - 1)];
    const bool verbose = std::getenv("DWMTJ_FUZZ_VERBOSE") != nullptr;
    if (verbose) std::fprintf(stderr, "mutate: base %s\n", base.c_str());
    const bool raw = fdp.ConsumeIntegralInRange(0, 15) == 0;
    core::h5::setProbeEnabled(raw);
    if (raw) {
        if (verbose) std::fprintf(stderr, "mutate: raw byte edits\n");
        rawByteEdits(base, fdp, outPath);
        return;
    }
    std::filesystem::copy_file(base, outPath, std::filesystem::copy_options::overwrite_existing);
    const hid_t file = H5Fopen(outPath.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    if (file < 0) return;
    std::vector<Object> objects;
    H5Ovisit2(file, H5_INDEX_NAME, H5_ITER_INC, visitObject, &objects, H5O_INFO_BASIC);
    std::vector<std::string> allAttrs;
    for (auto& o : objects) {
        const hid_t h = H5Oopen(file, o.path.c_str(), H5P_DEFAULT);
        if (h < 0) continue;
        hsize_t idx = 0;
        H5Aiterate2(h, H5_INDEX_NAME, H5_ITER_INC, &idx, visitAttr, &o.attrs);
        H5Oclose(h);
        allAttrs.insert(allAttrs.end(), o.attrs.begin(), o.attrs.end());
    }
    const int edits = fdp.ConsumeIntegralInRange(1, 4);
    for (int e = 0; e < edits && !objects.empty() && fdp.remaining_bytes() > 0; ++e) {
        const Object& o = objects[fdp.ConsumeIntegralInRange<std::size_t>(0, objects.size() - 1)];
        const int op = fdp.ConsumeIntegralInRange(0, 8);
        const bool hasAttr = !o.attrs.empty();
        if (verbose) std::fprintf(stderr, "mutate: op %d on %s\n", op, o.path.c_str());
        switch (op) {
            case 0:  // an attribute as an array
            case 1:  // an attribute retyped (scalar)
            case 2:  // an attribute deleted
                if (hasAttr)
                    editAttribute(
                        file, o, fdp,
                        o.attrs[fdp.ConsumeIntegralInRange<std::size_t>(0, o.attrs.size() - 1)],
                        op == 0   ? 2
                        : op == 1 ? 1
                                  : 0);
                break;
            case 3:  // an unexpected attribute (a name used elsewhere in the file)
                if (!allAttrs.empty())
                    editAttribute(
                        file, o, fdp,
                        allAttrs[fdp.ConsumeIntegralInRange<std::size_t>(0, allAttrs.size() - 1)],
                        2);
                break;
            case 4:  // an object deleted
                if (o.path != "/") H5Ldelete(file, o.path.c_str(), H5P_DEFAULT);
                break;
            case 5:  // a dataset (or a group) replaced by a dataset of another shape or type
                if (o.path != "/") replaceDataset(file, o, fdp);
                break;
            case 6:  // special values in a dataset
                if (o.type == H5O_TYPE_DATASET) pokeDataset(file, o, fdp);
                break;
            case 7:  // a dataset replaced by a group
                if (o.path != "/" && H5Ldelete(file, o.path.c_str(), H5P_DEFAULT) >= 0) {
                    const hid_t g =
                        H5Gcreate2(file, o.path.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
                    if (g >= 0) H5Gclose(g);
                }
                break;
            default:  // a soft or external link instead of the object
                replaceWithLink(file, o, objects, fdp);
                break;
        }
    }
    H5Fclose(file);
}

}  // namespace

std::vector<std::string> baseFiles(const std::vector<std::string>& paths)
{
    namespace fs = std::filesystem;
    std::vector<fs::path> folders;
    if (const char* env = std::getenv("DWMTJ_FUZZ_BASES"); env && *env)
        folders.emplace_back(env);
    else
        for (const auto& d : paths) folders.push_back(fs::path(DWMTJ_SOURCE_DIR) / d);
    std::vector<std::string> out;
    for (const auto& dir : folders) {
        if (fs::is_regular_file(dir)) {
            out.push_back(dir.string());
            continue;
        }
        for (const auto& e : fs::directory_iterator(dir))
            if (e.path().extension() == ".h5") out.push_back(e.path().string());
    }
    std::sort(out.begin(), out.end());
    if (out.empty()) {
        std::fprintf(stderr, "fuzz: no .h5 base files\n");
        std::abort();
    }
    return out;
}

std::string mutatedFile(const std::vector<std::string>& bases, const std::uint8_t* data,
                        std::size_t size, const std::string& name)
{
    FuzzedDataProvider fdp(data, size);
    const std::string path = scratchDir() + "/" + name;
    mutateHdf5(bases, fdp, path);
    return path;
}

}  // namespace dwmtj::fuzz
