#!/usr/bin/env bash
# The demo: installs what is missing, builds, converts the bundled model and runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build/host -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/host -j "$(nproc)"
echo "octet demo: the converter and the runtime are not built yet; the build above is the library"
echo "and its tests. Run 'bash scripts/test-all.sh' for every suite."
