#!/usr/bin/env bash
# Builds the Debian package (cpack -G DEB) in build-deb/, configured for /usr so that the
# paths compiled into the programs match where the package installs them.
#   packaging/build-deb.sh   ->  build-deb/dwmtj-workbench_<version>_amd64.deb
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
command -v dpkg-shlibdeps >/dev/null || { echo "build-deb.sh: dpkg-shlibdeps missing (apt-get install dpkg-dev)" >&2; exit 1; }
cmake -S "$root" -B "$root/build-deb" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
  -DDWMTJ_BUILD_UI=ON -DDWMTJ_BUILD_TESTS=OFF
cmake --build "$root/build-deb" --parallel "$(nproc)"
(cd "$root/build-deb" && cpack -G DEB)
ls -l "$root"/build-deb/*.deb
