// Shared by the design study's tests (design_test.cpp, design_multiweight_test.cpp): a design
// file and experiments with known accuracy, robustness and energy.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include "dwmtj/design.h"
#include "dwmtj/error.h"
#include "test_paths.h"

namespace dwmtj::core::design_testing {

inline std::string writeFile(const std::string& name, const std::string& text)
{
    const std::string path = tmpPath(name);
    std::ofstream(path) << text;
    return path;
}

inline const char* kDesign = R"([design t]
format_version = 1
hidden = 16
timesteps = 4
seeds = 0-2
width_ratio = 1, 4
pulse_ns = 30, 10
v50_sd = 0.02, 0.05, 0.1
sigma = 0, 0.5, 1
[spec]
accuracy = 80
robustness = 0.4
)";

/// A network whose accuracy is `clean` at sigma 0 and falls linearly to chance at sigma 1, with
/// an energy per inference, on a balanced 1000-image test set (per-image records consistent).
inline RunRecord network(uint64_t seed, double clean, double energyJ)
{
    RunRecord r;
    r.seed = seed;
    r.status = RunStatus::Completed;
    NoiseCurve c;
    c.sigma = {0, 0.5, 1};
    c.chance = 0.1;
    for (double s : c.sigma) {
        const double acc = clean - (clean - 0.1) * s;
        c.accuracy.push_back(acc);
        c.normalized.push_back(acc / clean);
        std::vector<uint8_t> correct(1000, 0);
        for (int i = 0; i < int(std::lround(acc * 1000)); ++i) correct[size_t(i)] = 1;
        c.correct.push_back(correct);
    }
    r.noise.push_back(c);
    r.testAccuracy = clean;
    r.energy.valid = true;
    r.energy.energyPerInferenceJ = energyJ;
    return r;
}

inline Experiment experiment(const std::vector<double>& clean, double energyJ)
{
    Experiment e;
    e.config.neuron = NeuronKind::Binary;
    for (size_t k = 0; k < clean.size(); ++k) e.runs.push_back(network(k, clean[k], energyJ));
    return e;
}

/// `text` with `from` replaced by `to` is refused with a message naming the file and `words`.
inline void expectRefused(const std::string& text, const std::string& from, const std::string& to,
                          const char* words, const std::string& name)
{
    std::string t = text;
    t.replace(t.find(from), from.size(), to);
    try {
        loadDesign(writeFile(name, t));
        ADD_FAILURE() << "accepted " << to;
    } catch (const FileFormatError& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find(name), std::string::npos) << m;
        EXPECT_NE(m.find(words), std::string::npos) << m;
    }
}

}  // namespace dwmtj::core::design_testing
