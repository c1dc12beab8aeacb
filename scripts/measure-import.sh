#!/usr/bin/env bash
# The `flowc import` measurement on a corpus of CI files (a folder with `github/` and
# `gitlab/`): for every file, import then build for the same platform and compare after
# normalisation (round trip), count the jobs and steps expressed without target blocks,
# and build each GitHub file's import for GitLab. Prints the figures and one row per file
# (`-v`: every cause), and exits 1 when a figure falls below tests/fixtures/import/baseline.txt
# or a file listed there stops round-tripping. See docs/import.md.
#
#   bash scripts/measure-import.sh ../shared/corpus          # check against the baseline
#   bash scripts/measure-import.sh ../shared/corpus --write  # record the current figures
#   bash scripts/measure-import.sh ../shared/corpus -v       # every cause of every file
set -euo pipefail
if [ $# -lt 1 ] || [ ! -d "$1" ]; then
  echo "usage: scripts/measure-import.sh CORPUS_DIR [--write] [-v]" >&2
  exit 2
fi
corpus=$(cd "$1" && pwd)
shift
cd "$(dirname "${BASH_SOURCE[0]}")/.."
args=(--baseline tests/fixtures/import/baseline.txt)
for arg in "$@"; do
  case "$arg" in
    --write) args+=(--write-baseline) ;;
    -v | --verbose) args+=(--verbose) ;;
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done
cargo run --quiet --locked -- import --measure "$corpus" "${args[@]}"
