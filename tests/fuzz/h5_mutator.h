#pragma once
// Hostile variants of good HDF5 files, made the way a careless or hostile sender would make
// them with h5py: the fuzzer's bytes pick a base file and a short list of edits, applied
// through the HDF5 API so that the result is a well-formed HDF5 file whose content is wrong
// (byte-level corruption mostly exercises libhdf5's own parser; see docs/testing.md).
// Edits: an attribute turned into an array, retyped (numbers, NaN and huge values, fixed and
// variable-length strings and string arrays) or deleted; a dataset reshaped, retyped,
// declared huge and never written, or given special values; an object deleted, replaced by
// a group or a dataset, or by a soft or external link; unexpected attributes added.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace dwmtj::fuzz {

/// The HDF5 targets' common step: a mutated copy of one of `bases`, chosen and edited by
/// the fuzzer's bytes, written to the scratch folder as `name`; returns its path. In one
/// input of 16 the edits are raw byte changes instead (libhdf5's parser; kept rare, see
/// docs/testing.md): only then do the loaders probe the file in a child process first
/// (h5::setProbeEnabled), since libhdf5 crashes on such files are expected there and must
/// become clean refusals.
std::string mutatedFile(const std::vector<std::string>& bases, const std::uint8_t* data,
                        std::size_t size, const std::string& name);

/// The base files of a target: the files and the .h5 files in the folders of `paths`
/// (relative to the source tree), or in $DWMTJ_FUZZ_BASES (a folder) when it is set. Bases
/// must be files libhdf5 can open for writing without crashing (no corrupt ones: the raw
/// byte edits make those).
std::vector<std::string> baseFiles(const std::vector<std::string>& paths);

}  // namespace dwmtj::fuzz
