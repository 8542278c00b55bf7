#!/usr/bin/python3
"""Hostile files of the bad-input corpus (issue 11), as a fuzzing campaign found them.

- npz_inflation_bomb.npz: 24 zip directory entries that all point at one deflate member
  which inflates to 100 MiB of zeros (2.4 GiB in all if each were inflated); refused
  before anything is inflated.
- multistate_state_typo.csv: states 1..4 and one 43 (a typo for 4): refused, not fitted
  as a 43-state device.
- lut_bare_comment.csv (a LUT with a line holding only '#': it threw std::out_of_range)
  and lut_unknown_kind.csv (kind=trinary, read as binary before) are
  tests/fuzz/seeds/fuzz_lut_csv/binary.csv edited by hand.
- lut_crashes_libhdf5.h5 is not made here: it is tests/fuzz/bases/lut/binary.h5 with
  random bytes changed (Python random.Random(7): up to 8 bytes), a file on which libhdf5
  1.10.8 itself crashes (SIGSEGV in H5HG_read, reading a variable-length string).
"""
import struct
import zlib

def npz_bomb(path):
    header = b"{'descr': '<f8', 'fortran_order': False, 'shape': (13107200,), }"
    header += b" " * (64 - (10 + len(header) + 1) % 64) + b"\n"
    npy_head = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header
    usize = len(npy_head) + 100 * 2**20
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = comp.compress(npy_head)
    chunk = bytes(2**20)
    for _ in range(100):
        data += comp.compress(chunk)
    data += comp.flush()
    crc = zlib.crc32(npy_head + bytes(100 * 2**20))
    name = b"voltage.npy"
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data), usize,
                        len(name), 0) + name
    out = local + data
    cd = b""
    for k in range(24):
        n = b"a%02d.npy" % k
        cd += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(data),
                          usize, len(n), 0, 0, 0, 0, 0, 0) + n
    eocd = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 24, 24, len(cd), len(out), 0)
    with open(path, "wb") as f:
        f.write(out + cd + eocd)

def state_typo(path):
    rows = ["voltage (V),cycle,state"]
    for i, v in enumerate([1.0, 2.0, 3.0, 4.0]):
        for c in range(1, 6):
            rows.append(f"{v},{c},{min(4, i + 1 + (c % 2))}")
    rows.append("4.5,1,43")
    with open(path, "w") as f:
        f.write("\n".join(rows) + "\n")

if __name__ == "__main__":
    npz_bomb("npz_inflation_bomb.npz")
    state_typo("multistate_state_typo.csv")
