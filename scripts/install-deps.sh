#!/usr/bin/env bash
# Installs what octet's build, tests and demo need on Debian 12 (root or sudo). Idempotent: a no-op
# when everything is there.
set -euo pipefail
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
pkgs=(cmake ninja-build g++ clang libclang-rt-14-dev pkg-config python3 python3-numpy python3-onnx
      g++-aarch64-linux-gnu g++-arm-linux-gnueabihf qemu-user
      libgtest-dev libbenchmark-dev libgtest-dev:arm64 libbenchmark-dev:arm64
      libgtest-dev:armhf libbenchmark-dev:armhf
      libsimde-dev flatbuffers-compiler libflatbuffers-dev
      libonnx-dev libprotobuf-dev protobuf-compiler libstb-dev llvm-19
      python3-torch dataset-fashion-mnist)
# ONNX Runtime reference (tools/ort) runs on Node: any nodejs with npm will do (Debian's or another).
command -v node >/dev/null && command -v npm >/dev/null || pkgs+=(nodejs npm)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-deps: installing ${missing[*]}" >&2
for a in arm64 armhf; do
  dpkg --print-foreign-architectures | grep -qx "$a" || $SUDO dpkg --add-architecture "$a"
done
# A mirror in mid-sync can fail one index; retry, then go on with what we have.
for i in 1 2 3; do $SUDO apt-get update -qq && break; sleep 5; done || true
for i in 1 2 3; do
  if DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/octet-apt.log 2>&1; then
    exit 0
  fi
  sleep 5; $SUDO apt-get update -qq || true
done
tail -20 /tmp/octet-apt.log >&2
exit 1
