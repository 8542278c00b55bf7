// dwmtj bench: seconds per training step against the GEMM-bound limit, and the kernel calibration.
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "cli_args.h"
#include "cli_commands.h"
#include "cli_progress.h"
#include "dwmtj/error.h"
#include "dwmtj/training.h"

namespace dwmtj::cli {

using namespace dwmtj::core;

namespace {
std::string formatFixed(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    return buf;
}

std::string curveJson(const BenchResult& r);

/// `bench --calibrate`: measure the crossovers, store them for every later run, print them.
int printCalibration(const BenchOptions& o, bool json)
{
    BenchResult r;
    const KernelCalibration c = calibrateKernels(o, &r);
    if (json) {
        std::printf(
            "{\"calibration\":{\"training\":%s,\"inference\":%s,\"path\":%s,\"measured\":%s,"
            "\"machine\":%s},\"crossover_curve\":%s}\n",
            jsonNumber(c.training).c_str(), jsonNumber(c.inference).c_str(),
            jsonString(c.path).c_str(), jsonString(c.measuredAt).c_str(),
            jsonString(c.machine).c_str(), curveJson(r).c_str());
        return 0;
    }
    std::printf(
        "kernel crossover on random spikes of fc1's shape (%d x 784 -> %d, %d thread(s); ms, "
        "median of %d)\n",
        o.timesteps * o.batchSize, o.hidden, r.threads, std::max(3, o.steps));
    std::printf("  density  dense fwd  event fwd  dense fwd+dW  event fwd+dW\n");
    for (const auto& p : r.crossoverCurve)
        std::printf("  %7.2f  %9.2f  %9.2f  %12.2f  %12.2f\n", p.density, p.denseForward * 1e3,
                    p.eventForward * 1e3, (p.denseForward + p.denseWeightGrad) * 1e3,
                    (p.eventForward + p.eventWeightGrad) * 1e3);
    std::printf(
        "event-driven from now on at input spike density <= %.2f in training, <= %.2f in "
        "inference\n",
        c.training, c.inference);
    std::printf("saved to %s (every later run reads it; delete it for the built-in %s)\n",
                c.path.c_str(), "0.30 / 0.35");
    return 0;
}

std::string layersJson(const BenchResult& r)
{
    std::string out = "[";
    for (const auto& l : r.layers) {
        if (out.size() > 1) out += ",";
        out += "{\"name\":" + jsonString(l.name) + ",\"rows\":" + std::to_string(l.rows) +
               ",\"inputs\":" + std::to_string(l.inputs) +
               ",\"outputs\":" + std::to_string(l.outputs) +
               ",\"density\":" + jsonNumber(l.density) +
               ",\"kernel\":" + jsonString(l.event ? "event" : "dense") +
               ",\"dense_forward_s\":" + jsonNumber(l.denseForward) +
               ",\"event_forward_s\":" + jsonNumber(l.eventForward) +
               ",\"dense_weight_grad_s\":" + jsonNumber(l.denseWeightGrad) +
               ",\"event_weight_grad_s\":" + jsonNumber(l.eventWeightGrad) + "}";
    }
    return out + "]";
}

std::string curveJson(const BenchResult& r)
{
    std::string out = "[";
    for (const auto& c : r.crossoverCurve) {
        if (out.size() > 1) out += ",";
        out += "{\"density\":" + jsonNumber(c.density) +
               ",\"dense_forward_s\":" + jsonNumber(c.denseForward) +
               ",\"event_forward_s\":" + jsonNumber(c.eventForward) +
               ",\"dense_weight_grad_s\":" + jsonNumber(c.denseWeightGrad) +
               ",\"event_weight_grad_s\":" + jsonNumber(c.eventWeightGrad) + "}";
    }
    return out + "]";
}

}  // namespace

int runBench(const std::vector<std::string>& argv)
{
    Args a(argv, commandSpec("bench"));
    BenchOptions o;
    o.neuron = neuronKindFromString(a.get("neuron", "lif"));
    o.hidden = int(a.integer("hidden", o.hidden));
    o.timesteps = int(a.integer("timesteps", o.timesteps));
    o.batchSize = int(a.integer("batch", o.batchSize));
    o.steps = int(a.integer("steps", o.steps));
    o.warmup = int(a.integer("warmup", o.warmup));
    o.threads = int(a.integer("threads", 0));
    o.device = a.get("device", o.device);
    o.lutPath = a.get("lut", "");
    o.layers = !a.has("no-layers");
    o.variability = a.has("variability");
    o.tf32 = a.has("tf32");
    readConstruction(a, o.construction);
    if (a.has("calibrate")) return printCalibration(o, a.has("json"));
    const BenchResult r = runBenchmark(o);
    if (a.has("json")) {
        std::printf(
            "{\"neuron\":%s,\"hidden\":%d,\"timesteps\":%d,\"batch\":%d,\"device\":%s,\"threads\":%"
            "d,"
            "\"seconds_per_step\":%s,\"images_per_second\":%s,\"flops_per_step\":%s,"
            "\"achieved_gflops\":%s,\"gemm_seconds_per_step\":%s,\"gemm_gflops\":%s,"
            "\"ratio_to_gemm_bound\":%s,\"inference_seconds_per_batch\":%s,\"kernels\":%s,"
            "\"dense_seconds_per_step\":%s,\"dense_inference_seconds_per_batch\":%s,"
            "\"crossover\":{\"training\":%s,\"inference\":%s},"
            "\"measured_crossover\":{\"training\":%s,\"inference\":%s},\"layers\":%s,"
            "\"crossover_curve\":%s,\"eager_seconds_per_step\":%s}\n",
            jsonString(toString(o.neuron)).c_str(), o.hidden, o.timesteps, o.batchSize,
            jsonString(r.device).c_str(), r.threads, jsonNumber(r.secondsPerStep).c_str(),
            jsonNumber(r.imagesPerSecond).c_str(), jsonNumber(r.flopsPerStep).c_str(),
            jsonNumber(r.achievedGflops).c_str(), jsonNumber(r.gemmSecondsPerStep).c_str(),
            jsonNumber(r.gemmGflops).c_str(),
            jsonNumber(r.secondsPerStep / r.gemmSecondsPerStep).c_str(),
            jsonNumber(r.forwardSecondsPerStep).c_str(), jsonString(r.kernels).c_str(),
            jsonNumber(r.denseSecondsPerStep).c_str(),
            jsonNumber(r.denseForwardSecondsPerStep).c_str(),
            jsonNumber(r.crossoverTraining).c_str(), jsonNumber(r.crossoverInference).c_str(),
            jsonNumber(r.measuredCrossoverTraining).c_str(),
            jsonNumber(r.measuredCrossoverInference).c_str(), layersJson(r).c_str(),
            curveJson(r).c_str(), jsonNumber(r.eagerSecondsPerStep).c_str());
        return 0;
    }
    std::printf(
        "training step, %s neurons, 784-%d-%d-10, T=%d, batch %d, %s, %d thread(s), median of %d "
        "steps\n",
        toString(o.neuron), o.hidden, o.hidden, o.timesteps, o.batchSize, r.device.c_str(),
        r.threads, o.steps);
    if (r.eagerSecondsPerStep > 0) {
        std::printf("  seconds per step        %10.3f ms (replayed CUDA graph)\n",
                    r.secondsPerStep * 1e3);
        std::printf("  launched eagerly        %10.3f ms (%.2f x the replayed graph)\n",
                    r.eagerSecondsPerStep * 1e3, r.eagerSecondsPerStep / r.secondsPerStep);
    } else {
        std::printf("  seconds per step        %10.4f s\n", r.secondsPerStep);
    }
    for (const auto& [name, s] : r.phases) std::printf("    %-21s %10.4f s\n", name.c_str(), s);
    std::printf("  images per second       %10.1f\n", r.imagesPerSecond);
    std::printf("  GEMM FLOPs per step     %10.2f GFLOP (forward + backward)\n",
                r.flopsPerStep * 1e-9);
    std::printf("  achieved                %10.1f GFLOP/s\n", r.achievedGflops);
    std::printf("  same GEMMs alone        %10.4f s  (%.1f GFLOP/s on this machine)\n",
                r.gemmSecondsPerStep, r.gemmGflops);
    if (r.gemmSecondsPerStep < 0.01)
        std::printf("                          %10.3f ms\n", r.gemmSecondsPerStep * 1e3);
    std::printf("  step / GEMM-bound limit %10.2f x\n", r.secondsPerStep / r.gemmSecondsPerStep);
    std::printf("  inference, one batch    %10.4f s\n", r.forwardSecondsPerStep);
    if (r.neuronSeconds > 0)
        std::printf(
            "  neuron layer alone      %10.4f s nominal, %.4f s with per-device parameters "
            "(%.2f x; forward + backward, [T, B, H])\n",
            r.neuronSeconds, r.variedNeuronSeconds, r.variedNeuronSeconds / r.neuronSeconds);
    if (r.denseSecondsPerStep > 0) {
        std::printf("the same with dense GEMMs only (timed in alternation with the above)\n");
        std::printf(
            "  seconds per step        %10.4f s  (%.2f x the GEMMs alone; kernels %s: %.2f x "
            "this)\n",
            r.denseSecondsPerStep, r.denseSecondsPerStep / r.gemmSecondsPerStep, r.kernels.c_str(),
            r.secondsPerStep / r.denseSecondsPerStep);
        std::printf("  inference, one batch    %10.4f s  (kernels %s: %.2f x this)\n",
                    r.denseForwardSecondsPerStep, r.kernels.c_str(),
                    r.forwardSecondsPerStep / r.denseForwardSecondsPerStep);
    }
    if (r.layers.empty()) return 0;
    std::printf(
        "\nlinear layers on spikes: kernels %s (event-driven at input density <= %.2f in "
        "training, <= %.2f in inference)\n",
        r.kernels.c_str(), r.crossoverTraining, r.crossoverInference);
    std::printf("  ms, median; event times include building the compressed rows\n");
    std::printf(
        "  layer  rows x in -> out      density  step used  dense fwd  event fwd  "
        "dense dW  event dW  event/dense\n");
    for (const auto& l : r.layers) {
        const std::string shape = std::to_string(l.rows) + " x " + std::to_string(l.inputs) +
                                  " -> " + std::to_string(l.outputs);
        std::printf("  %-6s %-21s %7.3f  %-9s %9.2f  %9.2f  %8.2f  %8.2f  %9.2f\n", l.name.c_str(),
                    shape.c_str(), l.density, l.event ? "event" : "dense", l.denseForward * 1e3,
                    l.eventForward * 1e3, l.denseWeightGrad * 1e3, l.eventWeightGrad * 1e3,
                    (l.eventForward + l.eventWeightGrad) / (l.denseForward + l.denseWeightGrad));
    }
    std::printf("\ncrossover on random spikes of fc1's shape (ms, forward + weight gradient):\n");
    std::printf("  density   dense   event\n");
    for (const auto& c : r.crossoverCurve)
        std::printf("  %7.2f %7.2f %7.2f\n", c.density, (c.denseForward + c.denseWeightGrad) * 1e3,
                    (c.eventForward + c.eventWeightGrad) * 1e3);
    auto crossing = [&](double d) {
        return std::isnan(d) ? std::string("no crossing in the densities measured")
                             : "event-driven is faster below density " + formatFixed(d);
    };
    std::printf("  training (forward + weight gradient): %s\n",
                crossing(r.measuredCrossoverTraining).c_str());
    std::printf("  inference (forward):                  %s\n",
                crossing(r.measuredCrossoverInference).c_str());
    return 0;
}

}  // namespace dwmtj::cli
