// Fashion-MNIST IDX files (gzip-compressed, as Debian's dataset-fashion-mnist ships them).
// Input layout: one flag byte (bit 0: write the members as they are, without gzip, to
// reach the gzip error paths), two bytes of labels-file length, the labels file, then the
// images file. The target gzips both members itself, so the mutations reach the IDX parser.
#include <fuzzer/FuzzedDataProvider.h>
#include <zlib.h>

#include "dwmtj/fashion_mnist.h"
#include "fuzz_support.h"

namespace {
void writeMember(const std::string& path, const std::vector<std::uint8_t>& bytes, bool raw)
{
    if (raw) {
        dwmtj::fuzz::writeInput(bytes.data(), bytes.size(),
                                std::filesystem::path(path).filename().string());
        return;
    }
    gzFile f = gzopen(path.c_str(), "wb1");
    if (!f) std::abort();
    if (!bytes.empty()) gzwrite(f, bytes.data(), unsigned(bytes.size()));
    gzclose(f);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    FuzzedDataProvider fdp(data, size);
    const bool raw = fdp.ConsumeIntegral<std::uint8_t>() & 1;
    const auto labelsSize = fdp.ConsumeIntegral<std::uint16_t>();
    const auto labels = fdp.ConsumeBytes<std::uint8_t>(labelsSize);
    const auto images = fdp.ConsumeRemainingBytes<std::uint8_t>();
    const std::string dir = dwmtj::fuzz::scratchDir();
    writeMember(dir + "/t10k-labels-idx1-ubyte.gz", labels, raw);
    writeMember(dir + "/t10k-images-idx3-ubyte.gz", images, raw);
    dwmtj::fuzz::expectCleanRefusal([&] {
        const auto set = dwmtj::core::loadFashionMnist(dir, dwmtj::core::FashionSplit::Test);
        (void)set.subset({0});
    });
    return 0;
}
