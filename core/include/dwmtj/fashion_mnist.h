#pragma once
// Fashion-MNIST in the original IDX .gz files (Debian's dataset-fashion-mnist installs them
// in /usr/share/datasets/fashion-mnist). Images are 28x28, pixel values scaled to [0, 1].
#include <cstdint>
#include <string>
#include <vector>

namespace dwmtj::core {

inline constexpr int kImagePixels = 28 * 28;
inline constexpr int kNumClasses = 10;
inline constexpr const char* kDefaultFashionMnistDir = "/usr/share/datasets/fashion-mnist";

struct ImageSet {
    std::vector<float> pixels;    ///< size() * 784 values in [0, 1], row-major per image
    std::vector<uint8_t> labels;  ///< class 0..9 per image
    std::string source;           ///< the images file it was read from
    int size() const { return int(labels.size()); }
    /// The images whose indices are listed, in that order (a copy).
    ImageSet subset(const std::vector<int>& indices) const;
};

enum class FashionSplit { Train, Test };

/// Read one split (train: 60k images, test: 10k) from `dir` (empty = the default directory).
/// `limit` > 0 reads only the first `limit` images. Throws FileFormatError naming the file
/// for a missing, truncated or corrupt file, or when images and labels disagree.
ImageSet loadFashionMnist(const std::string& dir, FashionSplit split, int limit = 0);

/// The committed few-thousand-image sample (datasets/fashion-mnist-sample), same format.
std::string fashionMnistSampleDir();

/// Seeded split of `count` training images into train and validation index lists
/// (validation gets `validationCount` images; a permutation drawn from `seed`).
void splitTrainValidation(int count, int validationCount, uint64_t seed, std::vector<int>& train,
                          std::vector<int>& validation);

}  // namespace dwmtj::core
