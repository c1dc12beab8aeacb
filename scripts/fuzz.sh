#!/usr/bin/env bash
# Bounded fuzzing of flowc: runs each cargo-fuzz target in fuzz/ for SECONDS (default 60)
# and fails when any of them finds a crash, a hang or runaway memory.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]      targets: parse compile format (default: all)
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
seconds=${1:-60}
shift || true
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(parse compile format)

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
  local corpus=fuzz/corpus/$1 file
  mkdir -p "$corpus"
  for file in examples/*.flow tests/fixtures/*/*.flow; do
    [[ -f "$file" ]] || continue
    cp "$file" "$corpus/seed-$(sha1sum <"$file" | cut -c1-16)"
  done
}

log "building the fuzz targets (stable toolchain, no sanitizer)"
cargo fuzz build -s none

passed=0
failed=0
for target in "${targets[@]}"; do
  seed "$target"
  log "$target: fuzzing for ${seconds}s"
  # -timeout: one input taking longer is a hang; -rss_limit_mb: runaway memory is a failure.
  if cargo fuzz run -s none "$target" "fuzz/corpus/$target" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=32768 \
    -dict="$dict" -print_final_stats=1 >"fuzz/corpus/$target.log" 2>&1; then
    passed=$((passed + 1))
    log "$target: ok ($(grep -m1 -oE 'stat::number_of_executed_units: *[0-9]+' "fuzz/corpus/$target.log" | grep -oE '[0-9]+$' || echo '?') runs)"
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
