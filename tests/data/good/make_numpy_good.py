#!/usr/bin/python3
"""Regenerates the NumPy members of the good-input set: p(V) = logistic((V-1.8)/0.1) on
11 voltages 1.0..2.2 V, trials 150 in the .npz."""
import numpy as np
v = np.linspace(1.0, 2.2, 11)
p = 1 / (1 + np.exp(-(v - 1.8) / 0.1))
np.save('probabilities.npy', np.column_stack([v, p]))
np.save('probabilities_f4.npy', np.column_stack([v, p]).astype('<f4'))
np.savez_compressed('probabilities.npz', voltage=v, probability=p, trials=np.full(11, 150))
np.savez('matrix.npz', np.column_stack([v, p]))

# A current-driven device: the same curve in amperes (I50 = 1.8 mA, w = 0.1 mA).
np.savez('current.npz', current=v * 1e-3, probability=p, trials=np.full(11, 150))
