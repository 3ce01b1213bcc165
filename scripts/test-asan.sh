#!/usr/bin/env bash
# npm run test:asan -- the addon and the native guard-page test built with
# AddressSanitizer + UndefinedBehaviorSanitizer (CMakeLists.txt's AK_SANITIZE),
# then the whole vitest suite run against that addon, then a LeakSanitizer run
# of a small driver (scripts/leak.cjs --lsan).
#
# The normal build is untouched: CMake builds into build-asan/cmake, and the
# suite runs in build-asan/pkg, a copy of this tree (sources, tests, scripts;
# node_modules linked) whose build/Release holds the sanitized binaries, which
# is where lib/native.ts looks first.
#
# node itself is not instrumented, so the ASan runtime is preloaded into it
# (LD_PRELOAD, inherited by vitest's workers and every node the tests spawn).
# Leak detection is off for the suite: Node and V8 keep allocations alive to
# exit on purpose and would drown the report. The LSan step turns it on for a
# driver that exercises every op, and counts only leaks with a frame in the
# addon. Every sanitizer report is written to build-asan/logs/; any file there
# fails the run, even one from a process whose exit status nobody checked.
#
#   npm run test:asan                 build + suite + LSan
#   npm run test:asan -- --no-suite   build + LSan only
#   npm run test:asan -- <vitest args>   e.g. test/fuzz-api.test.ts
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${AK_ASAN_DIR:-$root/build-asan}"
jobs="${JOBS:-2}"
suite=1
if [[ "${1:-}" == "--no-suite" ]]; then suite=0; shift; fi

libasan="$(gcc -print-file-name=libasan.so)"
if [[ ! -e "$libasan" ]]; then
  echo "test:asan: gcc has no libasan.so ($libasan); install the compiler's sanitizer runtime" >&2
  exit 1
fi

start=$(date +%s)
echo "== build (AK_SANITIZE=ON) into $out/cmake"
cmake -S "$root" -B "$out/cmake" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAK_SANITIZE=ON >/dev/null
# The addon and every native test executable the suite runs from build/Release (ak_*_test).
tests=$(cmake --build "$out/cmake" --target help | sed -n 's/^\.\.\. \(ak_[a-z_]*test\)$/\1/p' | tr '\n' ' ')
cmake --build "$out/cmake" -j "$jobs" --target activation_kernels $tests

echo "== package copy in $out/pkg"
rm -rf "$out/pkg"
mkdir -p "$out/pkg/build/Release"
tar -C "$root" --exclude=./build --exclude='./build-*' --exclude=./node_modules --exclude=./.git \
  --exclude=./prebuilds -cf - . | tar -C "$out/pkg" -xf -
ln -s "$root/node_modules" "$out/pkg/node_modules"
cp "$out/cmake/activation_kernels.node" "$out/pkg/build/Release/"
for t in $tests; do cp "$out/cmake/$t" "$out/pkg/build/Release/"; done
(cd "$out/pkg" && npx tsc -p tsconfig.json && node scripts/gen-exports.cjs --check >/dev/null)

logs="$out/logs"
rm -rf "$logs"
mkdir -p "$logs"
common="halt_on_error=1:abort_on_error=1:print_stacktrace=1:log_path=$logs/report"
export ASAN_OPTIONS="detect_leaks=0:detect_odr_violation=0:allow_user_segv_handler=1:$common"
export UBSAN_OPTIONS="$common"
export CI="${CI:-1}"
# The soak's RSS trend is meaningless under ASan's quarantine (scripts/soak.cjs).
export AK_SOAK_RSS=off

status=0
if [[ $suite == 1 ]]; then
  echo "== vitest suite against the sanitized addon"
  t0=$(date +%s)
  # Left out unless files are named: tests of the build and packaging, which build their own
  # binaries and libraries the sanitized copy does not have: install.test.ts (packs and installs
  # the package; gyp's obj.target), expr-native.test.ts (links gyp's static ak_*.a) and
  # threads-native.test.ts (pool_stress with and without TSan; a TSan binary cannot start with
  # libasan preloaded; npm run test:tsan runs it).
  args=("$@")
  if [[ ${#args[@]} -eq 0 ]]; then
    args=(--exclude test/install.test.ts --exclude test/expr-native.test.ts --exclude test/threads-native.test.ts)
  fi
  (cd "$out/pkg" && LD_PRELOAD="$libasan" npx vitest run "${args[@]}") || status=$?
  echo "suite: $(( $(date +%s) - t0 )) s, exit status $status"
fi

echo "== LeakSanitizer: scripts/leak.cjs --lsan"
lsan_log="$out/lsan"
rm -rf "$lsan_log"
mkdir -p "$lsan_log"
(cd "$out/pkg" && LD_PRELOAD="$libasan" \
  ASAN_OPTIONS="detect_leaks=1:detect_odr_violation=0:allow_user_segv_handler=1:log_path=$lsan_log/report" \
  LSAN_OPTIONS="max_leaks=0" node scripts/leak.cjs --lsan) > "$out/leak.out" 2>&1 || true
cat "$out/leak.out"
# Its exit status is LSan's whenever node leaks (always): only the driver's last line says its calls all ran.
if ! grep -q '^leak: ok' "$out/leak.out"; then echo "LSan: scripts/leak.cjs did not finish its calls"; status=1; fi
# Leaks of Node/V8 are theirs; one allocated by the addon is ours: walking the stack out
# from the allocation, an addon frame comes before any frame in node's binary. (Any addon
# frame anywhere in the stack is not enough: V8 allocates heap bookkeeping it never frees
# while it runs the JS that the addon's completion callback calls, so such stacks pass
# through native/napi/async.cc's deliver; whether that frame fits in the 30 frames LSan keeps
# varied from run to run: 0 and then 6 "leaks" at two commits without addon changes.)
node_bin="$(readlink -f "$(command -v node)")"
ours=0
for f in "$lsan_log"/report*; do
  [[ -e "$f" ]] || continue
  n=$(awk -v nb="($node_bin+0x" '
    /^(Direct|Indirect) leak/ { inb = 1; decided = 0; next }
    inb && /^ *#[0-9]+ / {
      if ($1 == "#0" || decided) next
      if ($0 ~ /activation_kernels\.node|\/native\//) { c++; decided = 1; next }
      if (index($0, nb) > 0) decided = 1
      next
    }
    /^$/ { inb = 0 }
    END { print c + 0 }' "$f")
  ours=$((ours + n))
  if [[ $n -gt 0 ]]; then cat "$f"; fi
done
echo "LSan: $ours leak(s) allocated by the addon"
[[ $ours -eq 0 ]] || status=1

reports=$(ls "$logs" 2>/dev/null | wc -l)
if [[ $reports -gt 0 ]]; then
  echo "test:asan: $reports sanitizer report(s):" >&2
  for f in "$logs"/*; do echo "--- $f" >&2; cat "$f" >&2; done
  status=1
fi
echo "test:asan: $(( $(date +%s) - start )) s in all, $( [[ $status == 0 ]] && echo clean || echo FAILED )"
exit $status
