#!/usr/bin/env bash
# Installs every Debian 12 package DW-MTJ Workbench needs to build, test and run.
# Idempotent: packages already present are skipped by apt. Run as root (or with sudo).
set -euo pipefail

PKGS=(
  build-essential cmake ninja-build ccache pkg-config git
  libtorch-dev
  qt6-base-dev qt6-charts-dev qt6-svg-dev libqt6opengl6-dev libqt6svg6 libxkbcommon-dev libvulkan-dev libgl-dev
  libhdf5-dev zlib1g-dev
  libgtest-dev googletest
  dataset-fashion-mnist
  libopenblas0-openmp
  xvfb xauth dpkg-dev desktop-file-utils clang-format
  clang libclang-rt-dev
  python3-numpy python3-h5py
  slurm-wlm munge
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "install-deps: all packages present"
fi

# libtorch takes sgemm from libblas.so.3: point it at OpenBLAS (5-50x faster than netlib).
ob=$(update-alternatives --list libblas.so.3-x86_64-linux-gnu 2>/dev/null | grep openblas | head -n1 || true)
if [ -n "$ob" ]; then
  cur=$(readlink -f /etc/alternatives/libblas.so.3-x86_64-linux-gnu 2>/dev/null || true)
  if [ "$cur" != "$(readlink -f "$ob")" ]; then
    $SUDO update-alternatives --set libblas.so.3-x86_64-linux-gnu "$ob"
  fi
  obl=$(update-alternatives --list liblapack.so.3-x86_64-linux-gnu 2>/dev/null | grep openblas | head -n1 || true)
  [ -z "$obl" ] || $SUDO update-alternatives --set liblapack.so.3-x86_64-linux-gnu "$obl" || true
fi
