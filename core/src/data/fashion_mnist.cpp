// Fashion-MNIST IDX .gz reader (zlib) and the seeded train/validation split.
#include "dwmtj/fashion_mnist.h"

#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <numeric>
#include <random>

#include "dwmtj/error.h"
#include "dwmtj/paths.h"
#include "util/atomic_file.h"

namespace dwmtj::core {
namespace {

// Plausibility limit (docs/file-formats.md, "Files from elsewhere"): a gzip bomb must not fill
// memory.
constexpr std::size_t kMaxIdxBytes = std::size_t(256) << 20;

std::vector<uint8_t> readGz(const std::string& path)
{
    if (!std::filesystem::exists(path))
        throw FileFormatError(path, "", "a Fashion-MNIST IDX .gz file", "no such file",
                              "install Debian's dataset-fashion-mnist package "
                              "(packaging/install-deps.sh does) or pass --data-dir");
    detail::requireRegularFile(path);
    std::unique_ptr<gzFile_s, int (*)(gzFile)> f(gzopen(path.c_str(), "rb"), gzclose);
    if (!f) throw FileFormatError(path, "", "a readable gzip file", "cannot open it");
    std::vector<uint8_t> out;
    std::vector<uint8_t> buf(1 << 20);
    for (;;) {
        const int n = gzread(f.get(), buf.data(), unsigned(buf.size()));
        if (n < 0) {
            int err = 0;
            const char* msg = gzerror(f.get(), &err);
            throw FileFormatError(path, "", "gzip-compressed IDX data",
                                  std::string("a corrupt gzip stream (") + msg + ")",
                                  "re-install dataset-fashion-mnist");
        }
        if (n == 0) break;
        if (out.size() + std::size_t(n) > kMaxIdxBytes)
            throw FileFormatError(path, "", "an IDX file under 256 MiB uncompressed",
                                  "more (Fashion-MNIST's largest file is 47 MB)");
        out.insert(out.end(), buf.begin(), buf.begin() + n);
    }
    return out;
}

uint32_t be32(const std::vector<uint8_t>& d, size_t at)
{
    return (uint32_t(d[at]) << 24) | (uint32_t(d[at + 1]) << 16) | (uint32_t(d[at + 2]) << 8) |
           uint32_t(d[at + 3]);
}

/// Checks the IDX header and returns the item count; `dims` are the expected item dims.
uint32_t checkIdx(const std::vector<uint8_t>& d, const std::string& path, uint32_t magic,
                  const std::vector<uint32_t>& dims)
{
    const size_t header = 8 + 4 * dims.size();
    if (d.size() < header)
        throw FileFormatError(path, "header", std::to_string(header) + " header bytes",
                              std::to_string(d.size()) + " bytes");
    if (be32(d, 0) != magic)
        throw FileFormatError(path, "header", "IDX magic number " + std::to_string(magic),
                              std::to_string(be32(d, 0)),
                              "is this an images file given as labels or vice versa?");
    size_t itemSize = 1;
    for (size_t k = 0; k < dims.size(); ++k) {
        const uint32_t got = be32(d, 8 + 4 * k);
        if (got != dims[k])
            throw FileFormatError(path, "header dimension " + std::to_string(k + 2),
                                  std::to_string(dims[k]), std::to_string(got));
        itemSize *= dims[k];
    }
    const uint32_t n = be32(d, 4);
    if (d.size() != header + size_t(n) * itemSize)
        throw FileFormatError(path, "data",
                              std::to_string(header + size_t(n) * itemSize) + " bytes for " +
                                  std::to_string(n) + " items",
                              std::to_string(d.size()) + " bytes", "the file is truncated");
    return n;
}

}  // namespace

ImageSet ImageSet::subset(const std::vector<int>& indices) const
{
    ImageSet out;
    out.source = source;
    out.pixels.resize(indices.size() * kImagePixels);
    out.labels.resize(indices.size());
    for (size_t k = 0; k < indices.size(); ++k) {
        const int i = indices[k];
        if (i < 0 || i >= size()) throw Error("ImageSet::subset: index out of range");
        std::copy_n(pixels.begin() + ptrdiff_t(i) * kImagePixels, kImagePixels,
                    out.pixels.begin() + ptrdiff_t(k) * kImagePixels);
        out.labels[k] = labels[i];
    }
    return out;
}

ImageSet loadFashionMnist(const std::string& dirIn, FashionSplit split, int limit)
{
    const std::string dir = dirIn.empty() ? kDefaultFashionMnistDir : dirIn;
    const std::string prefix = split == FashionSplit::Train ? "train" : "t10k";
    const std::string imagesPath =
        (std::filesystem::path(dir) / (prefix + "-images-idx3-ubyte.gz")).string();
    const std::string labelsPath =
        (std::filesystem::path(dir) / (prefix + "-labels-idx1-ubyte.gz")).string();
    const auto images = readGz(imagesPath);
    const auto labels = readGz(labelsPath);
    const uint32_t ni = checkIdx(images, imagesPath, 2051, {28, 28});
    const uint32_t nl = checkIdx(labels, labelsPath, 2049, {});
    if (ni != nl)
        throw FileFormatError(labelsPath, "header",
                              std::to_string(ni) + " labels (one per image in " + imagesPath + ")",
                              std::to_string(nl) + " labels");
    const int n = limit > 0 ? std::min<int>(limit, int(ni)) : int(ni);
    ImageSet set;
    set.source = imagesPath;
    set.pixels.resize(size_t(n) * kImagePixels);
    for (size_t k = 0; k < set.pixels.size(); ++k) set.pixels[k] = float(images[16 + k]) / 255.0f;
    set.labels.assign(labels.begin() + 8, labels.begin() + 8 + n);
    for (int k = 0; k < n; ++k)
        if (set.labels[k] >= kNumClasses)
            throw FileFormatError(labelsPath, "label " + std::to_string(k), "a class 0..9",
                                  std::to_string(int(set.labels[k])));
    return set;
}

std::string fashionMnistSampleDir()
{
    const std::string base = datasetsDir();
    return base.empty() ? std::string()
                        : (std::filesystem::path(base) / "fashion-mnist-sample").string();
}

void splitTrainValidation(int count, int validationCount, uint64_t seed, std::vector<int>& train,
                          std::vector<int>& validation)
{
    if (validationCount < 0 || validationCount >= count)
        throw OptionsError("validation size " + std::to_string(validationCount) +
                           " must be at least 0 and below the training set size " +
                           std::to_string(count));
    std::vector<int> idx(count);
    std::iota(idx.begin(), idx.end(), 0);
    std::mt19937_64 rng(seed ^ 0x5eed5e7u);
    for (int i = count - 1; i > 0; --i) {  // Fisher-Yates with a portable index draw
        const int j = int(rng() % uint64_t(i + 1));
        std::swap(idx[i], idx[j]);
    }
    validation.assign(idx.begin(), idx.begin() + validationCount);
    train.assign(idx.begin() + validationCount, idx.end());
    std::sort(validation.begin(), validation.end());
    std::sort(train.begin(), train.end());
}

}  // namespace dwmtj::core
