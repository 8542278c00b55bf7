#!/usr/bin/env python3
"""Eager PyTorch reference for `dwmtj bench --device cuda` (docs/gpu.md): the same network
(784-H-H-10, Linear -> BatchNorm -> neuron per hidden layer, leaky-integrator readout, max over
time -> log_softmax -> NLL, Adam), layer-wise over time with each neuron's time loop as small
tensor ops, as a Python script around PyTorch would run it. Prints the median seconds of one
training step, so that the workbench's figures come with an anchor measured on the same GPU in
the same session (drift between machines then shows). Not part of the build or the tests."""
import argparse
import time

import torch

MEM, SYN, ALPHA = 0.1, 0.2, 100.0


class SuperSpike(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return (x > 0).to(x.dtype)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g / (ALPHA * x.abs() + 1.0) ** 2


def lif(x):  # x [T, B, N]
    v = torch.zeros_like(x[0])
    i = torch.zeros_like(x[0])
    out = []
    for t in range(x.shape[0]):
        vd = v + MEM * (i - v)
        idk = i - SYN * i
        z = SuperSpike.apply(vd - 1.0)
        v = (1 - z) * vd
        i = idk + x[t]
        out.append(z)
    return torch.stack(out)


def binary(x, gain=0.2, centre=1.8, width=0.1):
    p = torch.sigmoid((centre + gain * x - 1.8) / width)
    z = (torch.rand_like(p) < p).to(x.dtype)
    return p + (z - p).detach()  # straight-through


def li(x):
    v = torch.zeros_like(x[0])
    i = torch.zeros_like(x[0])
    out = []
    for t in range(x.shape[0]):
        ij = i + x[t]
        v = v + MEM * (ij - v)
        i = ij - SYN * ij
        out.append(v)
    return torch.stack(out)


class Net(torch.nn.Module):
    def __init__(self, hidden, neuron):
        super().__init__()
        self.fc1 = torch.nn.Linear(784, hidden)
        self.bn1 = torch.nn.BatchNorm1d(hidden)
        self.fc2 = torch.nn.Linear(hidden, hidden)
        self.bn2 = torch.nn.BatchNorm1d(hidden)
        self.fc3 = torch.nn.Linear(hidden, 10)
        self.neuron = lif if neuron == "lif" else binary

    def forward(self, images, T):
        B = images.shape[0]
        s = (torch.rand(T, B, 784, device=images.device) < images).float().view(T * B, 784)
        z = self.neuron(self.bn1(self.fc1(s)).view(T, B, -1))
        z = self.neuron(self.bn2(self.fc2(z.view(T * B, -1))).view(T, B, -1))
        return li(self.fc3(z.view(T * B, -1)).view(T, B, -1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--neuron", default="lif", choices=["lif", "binary"])
    ap.add_argument("--hidden", type=int, default=500)
    ap.add_argument("--timesteps", type=int, default=80)
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--steps", type=int, default=20)
    a = ap.parse_args()
    dev = torch.device("cuda")
    torch.manual_seed(0)
    net = Net(a.hidden, a.neuron).to(dev)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    x = torch.rand(a.batch, 784, device=dev) * 0.58
    y = torch.randint(0, 10, (a.batch,), device=dev)
    times = []
    for s in range(5 + a.steps):
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        v = net(x, a.timesteps)
        loss = torch.nn.functional.nll_loss(torch.log_softmax(v.max(0).values, 1), y)
        loss.backward()
        opt.step()
        torch.cuda.synchronize()
        if s >= 5:
            times.append(time.perf_counter() - t0)
    times.sort()
    print(f"eager PyTorch {torch.__version__}, {a.neuron}, H={a.hidden} T={a.timesteps} "
          f"batch {a.batch}: {times[len(times) // 2] * 1e3:.2f} ms per training step "
          f"(median of {a.steps})")


if __name__ == "__main__":
    main()
