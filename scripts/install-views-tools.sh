#!/usr/bin/env bash
# Installs the parsers tests/views.rs feeds `flowc graph` output to:
#   .tools/npm-views   mermaid (its own parser, `mermaid.parse`) and jsdom (the DOM mermaid
#                      needs under Node), at the versions pinned by tests/views/package.json
#                      and package-lock.json (`npm ci`: every dependency pinned by integrity)
#   graphviz           `dot`, from apt, when it is not on PATH
# The tools root is <repo>/.tools, or $FLOWC_TOOLS when set.
#
# Idempotent and fast when installed: a stamp holds the lock file's hash and Node's major
# version; when it matches and mermaid is present, nothing is fetched. Needs Node 18+ (the
# machine's Node 20 is what CI uses; mermaid 12 would need Node 22, hence mermaid 11).
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools=${FLOWC_TOOLS:-$repo_root/.tools}
mkdir -p "$tools"
tools=$(cd "$tools" && pwd)
prefix="$tools/npm-views"
spec="$repo_root/tests/views"
stamp="$prefix/.installed-stamp"

log() { printf '[install-views-tools] %s\n' "$*" >&2; }
die() { printf '[install-views-tools] ERROR: %s\n' "$*" >&2; exit 1; }

# --- graphviz (apt) -------------------------------------------------------------
if ! command -v dot >/dev/null 2>&1; then
  command -v apt-get >/dev/null 2>&1 || die "graphviz (dot) is missing and apt-get is not available; install graphviz by hand"
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || die "graphviz (dot) is missing; need root (or sudo) to apt-get install it"
    sudo=(sudo)
  fi
  log "apt-get: installing graphviz"
  "${sudo[@]}" apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends graphviz >/dev/null
  command -v dot >/dev/null 2>&1 || die "dot still missing after apt-get install graphviz"
fi

# --- mermaid + jsdom (npm) ------------------------------------------------------
command -v node >/dev/null 2>&1 || die "node not found (Node 18+ required)"
command -v npm >/dev/null 2>&1 || die "npm not found"
node_major=$(node -p 'process.versions.node.split(".")[0]')
(( node_major >= 18 )) || die "Node $node_major is too old: mermaid 11 and jsdom 26 need Node 18+"
wanted_stamp="stamp-v1 node$node_major $(sha256sum "$spec/package-lock.json" | cut -d' ' -f1)"

if [[ -f "$stamp" && "$(cat "$stamp")" == "$wanted_stamp" && -f "$prefix/node_modules/mermaid/package.json" ]]; then
  log "up to date in $prefix"
  exit 0
fi

start=$SECONDS
log "npm ci into $prefix (mermaid and jsdom as pinned by tests/views/package-lock.json)"
rm -f "$stamp"
mkdir -p "$prefix"
cp "$spec/package.json" "$spec/package-lock.json" "$prefix/"
npm ci --prefix "$prefix" --no-audit --no-fund --loglevel=error >/dev/null

# --- verify ---------------------------------------------------------------------
check() { FLOWC_VIEWS_NPM="$prefix" node "$spec/mermaid-parse.mjs" >/dev/null 2>&1; }
printf 'flowchart LR\n  a["ok"] --> b\n' | check || die "mermaid-parse.mjs rejects a valid diagram"
if printf 'flowchart LR\n  a --> \n' | check; then die "mermaid-parse.mjs accepts a broken diagram"; fi
printf 'digraph { a -> b }\n' | dot -Tsvg >/dev/null || die "dot does not run"

printf '%s' "$wanted_stamp" >"$stamp"
log "done in $((SECONDS - start)) s: mermaid $(node -p "require('$prefix/node_modules/mermaid/package.json').version"), jsdom $(node -p "require('$prefix/node_modules/jsdom/package.json').version"), $(dot -V 2>&1)"
