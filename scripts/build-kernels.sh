#!/usr/bin/env bash
# Compiles the CUDA kernels (gpu-runtime/src/main/cuda/*.cu) ahead of time into cubins for every supported
# architecture plus PTX for newer ones, as resources loaded by dev.forge3d.runtime.splat.raster.cuda.KernelLoader.
# Without nvcc it keeps the committed prebuilt binaries. Writes kernels.properties: the architectures, the
# sources' SHA-256 (so a test can tell stale binaries) and the nvcc version.
#   scripts/build-kernels.sh [--check]   (--check: exit 1 if the committed binaries are stale, compile nothing)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC="$ROOT/gpu-runtime/src/main/cuda"
OUT="$ROOT/gpu-runtime/src/main/resources/dev/forge3d/runtime/splat/raster/cuda/kernels"
ARCHS="80 86 89 90"
PTX_ARCH="90"
MODULES="project binning blend adam"
NVCC="${NVCC:-$(command -v nvcc || true)}"
[ -z "$NVCC" ] && [ -x /usr/local/cuda/bin/nvcc ] && NVCC=/usr/local/cuda/bin/nvcc

digest() { cat "$SRC"/*.cu "$SRC"/*.cuh | sha256sum | cut -d' ' -f1; }

current="$(digest)"
recorded="$(sed -n 's/^sources.sha256=//p' "$OUT/kernels.properties" 2>/dev/null || true)"
if [ "${1:-}" = "--check" ]; then
  if [ "$current" = "$recorded" ]; then echo "kernels: prebuilt binaries match the sources"; exit 0; fi
  echo "kernels: prebuilt binaries are stale (sources $current, binaries built from ${recorded:-nothing})" >&2
  exit 1
fi
if [ -z "$NVCC" ]; then
  echo "kernels: nvcc not found, using the committed prebuilt binaries (built from sources ${recorded:-?})"
  exit 0
fi
if [ "$current" = "$recorded" ] && [ "${FORCE:-0}" != 1 ]; then
  echo "kernels: up to date"
  exit 0
fi
mkdir -p "$OUT"
FLAGS=(-O3 -std=c++17 -lineinfo -Werror all-warnings -Xptxas -warn-spills,-warn-lmem-usage)
for m in $MODULES; do
  for a in $ARCHS; do
    "$NVCC" "${FLAGS[@]}" -cubin -arch=sm_$a -o "$OUT/$m.sm_$a.cubin" "$SRC/$m.cu"
  done
  "$NVCC" -O3 -std=c++17 -lineinfo -Werror all-warnings -ptx -arch=compute_$PTX_ARCH -o "$OUT/$m.compute_$PTX_ARCH.ptx" "$SRC/$m.cu"
done
version="$("$NVCC" --version | sed -n 's/.*release \([0-9.]*\).*/\1/p')"
cat > "$OUT/kernels.properties" <<PROPS
# Written by scripts/build-kernels.sh; read by KernelLoader and KernelBinariesTest.
modules=${MODULES// /,}
cubin.archs=${ARCHS// /,}
ptx.arch=$PTX_ARCH
nvcc.version=$version
sources.sha256=$current
PROPS
echo "kernels: built $(echo $MODULES | wc -w) modules for sm_{${ARCHS// /,}} + compute_$PTX_ARCH with nvcc $version"
