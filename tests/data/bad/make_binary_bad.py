#!/usr/bin/python3
"""Regenerates the binary members of the bad-input corpus (HDF5, .npy, .npz).
Run from this folder with python3-h5py and python3-numpy installed."""
import io, zipfile
import h5py, numpy as np

with h5py.File('good_counts.h5', 'w') as f:
    f['counts/voltage'] = np.linspace(1.0, 2.2, 11)
    f['counts/switches'] = np.arange(11)
    f['counts/trials'] = np.full(11, 100)
data = open('good_counts.h5', 'rb').read()
open('truncated.h5', 'wb').write(data[: len(data) // 3])
import os; os.remove('good_counts.h5')

with h5py.File('wrong_dtype.h5', 'w') as f:
    f['counts/voltage'] = np.array([b'1.0', b'1.5'])
    f['counts/switches'] = np.array([1, 2])
    f['counts/trials'] = np.array([10, 10])
with h5py.File('no_groups.h5', 'w') as f:
    f['measurements/x'] = np.arange(3.0)
with h5py.File('mismatched_lengths.h5', 'w') as f:
    f['counts/voltage'] = np.linspace(1.0, 2.2, 11)
    f['counts/switches'] = np.arange(10)
    f['counts/trials'] = np.full(11, 100)
with h5py.File('huge_dims.h5', 'w') as f:
    f.create_dataset('counts/voltage', shape=(2_000_000_000,), dtype='f8', chunks=(1024,))
    f['counts/switches'] = np.arange(3)
    f['counts/trials'] = np.full(3, 100)

np.save('npy_wrong_shape.npy', np.arange(5.0))
np.save('npy_big_endian.npy', np.zeros((3, 2), dtype='>f8'))
raw = open('npy_wrong_shape.npy', 'rb').read()
np.save('tmp.npy', np.ones((100, 2)))
raw = open('tmp.npy', 'rb').read(); os.remove('tmp.npy')
open('npy_truncated.npy', 'wb').write(raw[:300])
np.savez('npz_wrong_names.npz', a=np.arange(3.0), b=np.arange(3.0))
