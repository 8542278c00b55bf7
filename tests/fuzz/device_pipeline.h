#pragma once
// What a device file goes through once loaded (as `dwmtj fit` and the Device page do):
// per-voltage estimates, the fits, a lookup table and its validation.
#include "dwmtj/device_io.h"
#include "dwmtj/estimate.h"
#include "dwmtj/lut.h"
#include "dwmtj/ordinal_fit.h"
#include "dwmtj/sigmoid_fit.h"
#include "fuzz_support.h"

namespace dwmtj::fuzz {

inline void runDevicePipeline(const std::string& path)
{
    using namespace dwmtj::core;
    DeviceData d;
    bool loaded = false;
    expectCleanRefusal([&] {
        d = loadDeviceFile(path);
        loaded = true;
    });
    if (!loaded) return;
    LutOptions lo;
    lo.size = 64;
    if (d.kind == DeviceKind::Binary) {
        expectCleanRefusal([&] { (void)estimateProportions(d.binary); });
        for (const auto form : {SigmoidForm::TwoParameter, SigmoidForm::FourParameter})
            expectCleanRefusal([&] {
                SigmoidFitOptions fo;
                fo.form = form;
                const auto fit = fitSigmoid(d.binary.counts, d.binary.trialsKnown, fo);
                (void)buildBinaryLut(d, &fit, lo);
            });
        expectCleanRefusal([&] {
            lo.source = LutSource::Empirical;
            (void)buildBinaryLut(d, nullptr, lo);
        });
    } else {
        for (const bool common : {false, true})
            expectCleanRefusal([&] {
                OrdinalFitOptions oo;
                oo.commonWidth = common;
                const auto fit = fitOrdinal(d.multi, oo);
                (void)buildMultiStateLut(d, &fit, lo);
            });
    }
}

}  // namespace dwmtj::fuzz
