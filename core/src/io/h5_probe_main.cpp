// dwmtj-h5probe FILE: reads an untrusted HDF5 file once, in its own process, before the
// workbench does (docs/architecture.md, "Untrusted files"). Exit 0 = read without faults; a
// crash or a hang here is what the caller refuses the file for.
#include "io/h5_impl.h"

int main(int argc, char** argv)
{
    if (argc != 2) return 2;
    return dwmtj::core::h5::impl::probeFile(argv[1]);
}
