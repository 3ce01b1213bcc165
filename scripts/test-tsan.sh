#!/usr/bin/env bash
# npm run test:tsan -- ThreadSanitizer over the threads of the addon (issue 8):
#  1. native/tests/pool_stress.cc, the full run (not --quick), built with
#     -fsanitize=thread: many threads calling parallel_for at once (nested),
#     async jobs submitted, withdrawn and cancelled, the pool resized under load.
#  2. the addon itself built with -fsanitize=thread (CMake, into build-tsan/cmake),
#     loaded by a node with the TSan runtime preloaded, driven by
#     scripts/tsan-driver.cjs: the main thread and two worker_threads making
#     async, aborted, sync and shaped calls past parallelMin while the main
#     thread resizes the pool, results checked against the JS twin.
# node itself is not instrumented: V8 and Node synchronise some of their own
# threads through atomics TSan cannot see, so it reports races inside node
# (v8::platform's job state, MessagePort::PostMessage). Those are counted and
# left; a report with a frame in the addon (activation_kernels.node or a
# native/ source) fails the run, as does any report from pool_stress.
#
#   npm run test:tsan            both steps (about 3 min on 2 cores, the addon build included)
#   TSAN_CALLS=50 npm run test:tsan   a shorter driver run
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${AK_TSAN_DIR:-$root/build-tsan}"
jobs="${JOBS:-2}"
libtsan="$(gcc -print-file-name=libtsan.so)"
if [[ ! -e "$libtsan" ]]; then
  echo "test:tsan: gcc has no libtsan.so ($libtsan); install the compiler's sanitizer runtime" >&2
  exit 1
fi
start=$(date +%s)
status=0
mkdir -p "$out"

echo "== pool_stress (full) under ThreadSanitizer"
g++ -std=c++17 -O1 -g -fsanitize=thread -pthread -I"$root/native" "$root/native/tests/pool_stress.cc" \
  "$root/native/runtime/pool.cc" -o "$out/pool_stress_tsan"
t0=$(date +%s)
TSAN_OPTIONS="halt_on_error=1" "$out/pool_stress_tsan" || status=$?
echo "pool_stress_tsan: $(( $(date +%s) - t0 )) s, exit status $status"

echo "== the addon built with -fsanitize=thread into $out/cmake"
cmake -S "$root" -B "$out/cmake" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAK_SANITIZE=OFF \
  -DCMAKE_CXX_FLAGS="-fsanitize=thread" \
  -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=thread" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread" >/dev/null
cmake --build "$out/cmake" -j "$jobs" --target activation_kernels
(cd "$root" && npm run build:ts --silent)
pkg="$out/pkg"
rm -rf "$pkg"
mkdir -p "$pkg/build/Release"
cp -r "$root/dist" "$pkg/dist"
cp "$root/package.json" "$pkg/"
ln -s "$root/node_modules" "$pkg/node_modules"
cp "$out/cmake/activation_kernels.node" "$pkg/build/Release/"

logs="$out/logs"
rm -rf "$logs"
mkdir -p "$logs"
t0=$(date +%s)
drv=0
AK_PKG="$pkg" LD_PRELOAD="$libtsan" TSAN_OPTIONS="halt_on_error=0:log_path=$logs/report" \
  node "$root/scripts/tsan-driver.cjs" > "$out/driver.out" 2>&1 || drv=$?
cat "$out/driver.out"
echo "tsan-driver: $(( $(date +%s) - t0 )) s, exit status $drv (66: TSan reported something, sorted below)"
# 66 is TSan's exit code for "reports were printed"; anything else is the driver's own failure.
if [[ $drv -ne 0 && $drv -ne 66 ]]; then status=1; fi
# TSan's 66 also replaces the driver's own exit status when it failed (an error thrown after node's own
# reports): only its last line says that every call ran.
if ! grep -q '^tsan-driver: ok' "$out/driver.out"; then echo "tsan-driver: did not finish its calls"; status=1; fi
total=0
ours=0
for f in "$logs"/report*; do
  [[ -e "$f" ]] || continue
  t=$(grep -c "WARNING: ThreadSanitizer" "$f" || true)
  total=$((total + t))
  n=$(awk '/WARNING: ThreadSanitizer/{blk=""; inb=1} inb{blk=blk"\n"$0} /^SUMMARY/{if (inb && blk ~ /activation_kernels\.node|\/native\//) c++; inb=0} END{print c+0}' "$f")
  ours=$((ours + n))
  if [[ $n -gt 0 ]]; then cat "$f"; fi
done
echo "TSan: $total report(s) in the driver run, $ours with a frame in the addon; node's own:"
cat "$logs"/report* 2>/dev/null | grep '^SUMMARY' | sort | uniq -c || true
[[ $ours -eq 0 ]] || status=1
echo "test:tsan: $(( $(date +%s) - start )) s in all, $( [[ $status == 0 ]] && echo clean || echo FAILED )"
exit $status
