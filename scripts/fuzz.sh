#!/usr/bin/env bash
# Bounded fuzzing of flowc: runs each cargo-fuzz target in fuzz/ for SECONDS (default 60)
# and fails when any of them finds a crash, a hang or runaway memory.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]      targets: parse compile format (default: all)
#   scripts/fuzz.sh --bounded [TARGET...]      the deterministic run of the test suite
#
# --bounded (what scripts/test runs): each target starts from a fresh corpus holding only
# the seeds and executes a fixed number of inputs with a fixed random seed (`-seed=1
# -runs=N`, N per target below, about a minute each on a 2-core machine), so every run
# tries the same inputs and a failure reproduces; `-max_total_time` (FUZZ_CAP seconds,
# default 240) only guards against a slow machine. The run is without address-space
# randomisation (`setarch -R`) where the system allows it: cargo-fuzz's stack-depth
# coverage otherwise differs from run to run, and so would the inputs tried. Otherwise the
# corpus in fuzz/corpus/ grows from run to run and the time is what bounds it.
#
# - installs cargo-fuzz (pinned) into .tools/cargo once;
# - works on the stable toolchain: `-s none` builds without a sanitizer (flowc has no
#   `unsafe`; ASan would need nightly or RUSTC_BOOTSTRAP=1), keeping libFuzzer's coverage
#   instrumentation, debug assertions and overflow checks;
# - seeds fuzz/corpus/TARGET (git-ignored) from examples/, tests/fixtures/ and the crash
#   reproducers in tests/fixtures/crashes/, so a crash that was found before fails at once;
# - writes a dictionary of the grammar's keywords and punctuation to fuzz/corpus/flow.dict;
# - a crashing input lands in fuzz/artifacts/TARGET/; copy it to tests/fixtures/crashes/.
#
# The last line is `fuzz: N passed, M failed` (targets); the exit status is 1 when M > 0.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

CARGO_FUZZ_VERSION=0.13.2
bounded=false
if [[ ${1:-} == --bounded ]]; then
  bounded=true
  seconds=${FUZZ_CAP:-240}
else
  seconds=${1:-60}
fi
shift || true
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(parse compile format)

# Inputs per target in a --bounded run (executions per second differ about fivefold).
declare -A RUNS=([parse]=200000 [compile]=60000 [format]=100000)

log() { printf '[fuzz] %s\n' "$*" >&2; }

tools=$PWD/.tools/cargo
export PATH=$tools/bin:$PATH
if [[ "$(cargo fuzz --version 2>/dev/null)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]]; then
  log "installing cargo-fuzz $CARGO_FUZZ_VERSION into .tools/cargo"
  cargo install --locked --quiet --root "$tools" cargo-fuzz --version "$CARGO_FUZZ_VERSION"
fi

# Keywords (from the grammar) and punctuation, so that libFuzzer builds programs faster.
dict=fuzz/corpus/flow.dict
mkdir -p fuzz/corpus
{
  grep -oE '^kw_[a-z_]+ *= *@\{ *"[a-z_]+"' grammar/flowc.pest | sed -E 's/.*"([a-z_]+)"/"\1"/'
  for word in push pull_request merge_request schedule manual branches tags paths cron branch tag \
    event actor inputs outputs startsWith endsWith contains always failure success cancelled \
    linux macos windows; do
    printf '"%s"\n' "$word"
  done
  printf '%s\n' '"{"' '"}"' '"("' '")"' '"["' '"]"' '","' '"="' '"=="' '"!="' '"&&"' '"||"' \
    '"!"' '"."' '":"' '"\""' '"\"\"\""' '"//"' '"/*"' '"*/"' '"\x0a"' '"\x0d\x0a"'
} >"$dict"

seed() {
  local corpus=$2 file
  mkdir -p "$corpus"
  for file in examples/*.flow tests/fixtures/*/*.flow; do
    [[ -f "$file" ]] || continue
    cp "$file" "$corpus/seed-$(sha1sum <"$file" | cut -c1-16)"
  done
}

# libfuzzer-sys compiles libFuzzer (C++) from source.
command -v c++ >/dev/null 2>&1 || command -v clang++ >/dev/null 2>&1 ||
  { log "a C++ compiler is needed to build libFuzzer (on Debian: apt-get install g++)"; exit 1; }
log "building the fuzz targets (stable toolchain, no sanitizer)"
cargo fuzz build -s none

passed=0
failed=0
for target in "${targets[@]}"; do
  corpus=fuzz/corpus/$target
  limits=(-max_total_time="$seconds")
  fixed=()
  if $bounded; then
    corpus=fuzz/corpus/bounded-$target
    rm -rf "$corpus"
    limits+=(-seed=1 -runs="${RUNS[$target]:?unknown target $target}" -reload=0)
    if setarch "$(uname -m)" -R true 2>/dev/null; then
      fixed=(setarch "$(uname -m)" -R)
    else
      log "note: cannot turn off address-space randomisation; the inputs tried may vary"
    fi
    log "$target: ${RUNS[$target]} inputs, seed 1 (at most ${seconds}s)"
  else
    log "$target: fuzzing for ${seconds}s"
  fi
  seed "$target" "$corpus"
  started=$SECONDS
  # -timeout: one input taking longer is a hang; -rss_limit_mb: runaway memory is a failure.
  if "${fixed[@]}" cargo fuzz run -s none "$target" "$corpus" -- "${limits[@]}" \
    -timeout=10 -rss_limit_mb=2048 -max_len=32768 \
    -dict="$dict" -print_final_stats=1 >"fuzz/corpus/$target.log" 2>&1; then
    passed=$((passed + 1))
    log "$target: ok ($(grep -m1 -oE 'stat::number_of_executed_units: *[0-9]+' "fuzz/corpus/$target.log" | grep -oE '[0-9]+$' || echo '?') runs in $((SECONDS - started))s)"
  else
    failed=$((failed + 1))
    log "$target: FAILED (full log: fuzz/corpus/$target.log):"
    grep -a -m1 -A4 -E 'panicked at|ERROR: libFuzzer' "fuzz/corpus/$target.log" | cut -c1-400 >&2 || true
    grep -a -m1 -E 'Test unit written to' "fuzz/corpus/$target.log" >&2 || true
    log "reproduce: cargo fuzz run -s none $target FILE; keep it: copy FILE to tests/fixtures/crashes/"
  fi
done
echo "fuzz: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
