#!/usr/bin/env bash
# Tests the editor support in editors/ with the real tools:
#   VS Code     vscode-tmgrammar-test on editors/vscode/test/*.flow, the extension's unit
#               tests (node --test), a handshake with the real `flowc lsp` the way the
#               extension starts it, and `vsce package` (offline) with a look inside the .vsix
#   tree-sitter the generated parser is up to date, `tree-sitter test` (corpus, query
#               validity, highlight assertions), every example, fixture and src/stdlib
#               module parses (and the syntax_* fixtures do not), highlight/query runs on
#               an example
#   Vim         syntax assertions in editors/vim/test/syntax.flow, no region leaks in the
#               examples and fixtures
#   Rust        cargo test --test editors (drift between grammar/flowc.pest and the editors)
#
# Tools are pinned and installed idempotently (a second run installs nothing):
#   .tools/npm    vscode-tmgrammar-test, @vscode/vsce   (npm; $FLOWC_TOOLS overrides .tools)
#   .tools/cargo  tree-sitter-cli                        (cargo install: about 3.5 min, once)
#   editors/vscode/node_modules  vscode-languageclient   (npm ci, from package-lock.json)
#   vim with +syntax                                     (apt-get, when missing)
#
# Prints one line per test and ends with `editors: N passed, M failed`; exits 1 on failure.
set -uo pipefail

TMGRAMMAR_VERSION=0.1.3
VSCE_VERSION=3.9.1
TREE_SITTER_VERSION=0.27.1

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools=${FLOWC_TOOLS:-$repo/.tools}
mkdir -p "$tools"
tools=$(cd "$tools" && pwd)
vscode=$repo/editors/vscode
ts=$repo/editors/tree-sitter-flowc
vimdir=$repo/editors/vim
npm_bin=$tools/npm/node_modules/.bin
tree_sitter=$tools/cargo/bin/tree-sitter
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# tree-sitter compiles the parser here rather than in ~/.cache
export TREE_SITTER_LIBDIR=$tools/tree-sitter-lib
export TREE_SITTER_JS_RUNTIME=native
mkdir -p "$TREE_SITTER_LIBDIR"

log() { printf '[test-editors] %s\n' "$*" >&2; }
die() { printf '[test-editors] ERROR: %s\n' "$*" >&2; exit 1; }

# ------------------------------------------------------------------ install

npm_version() { # prints the installed version of an npm package in the tools prefix
  node -p "require('$tools/npm/node_modules/$1/package.json').version" 2>/dev/null
}

install_tools() {
  command -v node >/dev/null 2>&1 || die "node not found (Node 20+ required)"
  command -v npm >/dev/null 2>&1 || die "npm not found"
  if [[ "$(npm_version vscode-tmgrammar-test)" != "$TMGRAMMAR_VERSION" ]] \
     || [[ "$(npm_version @vscode/vsce)" != "$VSCE_VERSION" ]]; then
    log "npm: vscode-tmgrammar-test@$TMGRAMMAR_VERSION @vscode/vsce@$VSCE_VERSION into $tools/npm"
    mkdir -p "$tools/npm"
    npm install --prefix "$tools/npm" --save-exact --no-audit --no-fund --loglevel=error \
      "vscode-tmgrammar-test@$TMGRAMMAR_VERSION" "@vscode/vsce@$VSCE_VERSION" >/dev/null \
      || die "npm install of the VS Code tools failed"
  fi

  if [[ "$("$tree_sitter" --version 2>/dev/null)" != "tree-sitter $TREE_SITTER_VERSION" ]]; then
    command -v cargo >/dev/null 2>&1 || die "cargo not found (needed to install tree-sitter-cli)"
    log "cargo install tree-sitter-cli@$TREE_SITTER_VERSION into $tools/cargo (about 3.5 minutes)"
    cargo install --quiet --locked --root "$tools/cargo" "tree-sitter-cli@$TREE_SITTER_VERSION" \
      || die "cargo install tree-sitter-cli failed"
  fi
  command -v cc >/dev/null 2>&1 || die "no C compiler (cc): tree-sitter compiles the parser with it"

  if ! vim --version 2>/dev/null | grep -q '+syntax'; then
    command -v apt-get >/dev/null 2>&1 || die "vim with +syntax is missing and apt-get is not available"
    local sudo=()
    [[ $(id -u) -eq 0 ]] || sudo=(sudo)
    log "apt-get: installing vim-nox"
    "${sudo[@]}" apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends vim-nox >/dev/null \
      || die "apt-get install vim-nox failed"
  fi

  # The extension's dependency, bundled into the .vsix: installed from the lock file.
  local want have
  want=$(sha256sum "$vscode/package-lock.json" | cut -d' ' -f1)
  have=$(cat "$vscode/node_modules/.flowc-lock-sha256" 2>/dev/null)
  if [[ "$want" != "$have" ]]; then
    log "npm ci in editors/vscode (vscode-languageclient)"
    (cd "$vscode" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || die "npm ci in editors/vscode failed"
    printf '%s' "$want" >"$vscode/node_modules/.flowc-lock-sha256"
  fi
}

start=$SECONDS
install_tools
log "tools ready in $((SECONDS - start)) s"

# ------------------------------------------------------------------ bookkeeping

passed=0
failed=0
failures=()
pass() { passed=$((passed + 1)); printf 'ok    %s\n' "$1"; }
fail() {
  failed=$((failed + 1)); failures+=("$1"); printf 'FAIL  %s\n' "$1"
  [[ -s "${2:-/dev/null}" ]] && sed 's/^/      /' "$2" | head -40
  return 0
}
# check NAME COMMAND...: one test, passing when the command exits 0 (its output shown on failure)
check() {
  local name=$1; shift
  if "$@" >"$work/out" 2>&1; then pass "$name"; else fail "$name" "$work/out"; fi
}
strip_ansi() { sed 's/\x1b\[[0-9;]*m//g'; }

# ------------------------------------------------------------------ VS Code

# Grammar tests: one result per test file.
(cd "$vscode" && "$npm_bin/vscode-tmgrammar-test" -g syntaxes/flowc.tmLanguage.json \
  -g test/grammars/shell-stub.tmLanguage.json 'test/*.flow') >"$work/tm" 2>&1
tm_rc=$?
for f in "$vscode"/test/*.flow; do
  name=test/$(basename "$f")
  if grep -q "✓ $name" "$work/tm"; then
    pass "vscode grammar: $name"
  else
    awk -v n="$name" '$0 ~ "✖ " n {p=1} p && /^✓|^✖/ && $0 !~ n {p=0} p' "$work/tm" >"$work/tm1"
    fail "vscode grammar: $name" "$work/tm1"
  fi
done
[[ $tm_rc -eq 0 ]] || grep -q '✖' "$work/tm" || fail "vscode-tmgrammar-test exited with $tm_rc" "$work/tm"

# Unit tests of extension.js: one result per node:test test.
(cd "$vscode" && node --test --test-reporter=tap test/extension.test.js) >"$work/node" 2>&1
node_rc=$?
while IFS= read -r line; do
  case $line in
    "ok "*) pass "vscode extension: ${line#ok * - }" ;;
    "not ok "*) fail "vscode extension: ${line#not ok * - }" "$work/node" ;;
  esac
done < <(grep -E '^(not )?ok [0-9]+ - ' "$work/node")
[[ $node_rc -eq 0 ]] || grep -q '^not ok' "$work/node" || fail "node --test exited with $node_rc" "$work/node"

# The real language server, started the way the extension starts it.
flowc=${FLOWC_BIN:-}
if [[ -z "$flowc" ]]; then
  if (cd "$repo" && cargo build --quiet --locked --bin flowc) >"$work/build" 2>&1; then
    flowc=${CARGO_TARGET_DIR:-$repo/target}/debug/flowc
  else
    fail "vscode extension: cargo build --bin flowc (for the language server handshake)" "$work/build"
  fi
fi
[[ -n "$flowc" ]] && check "vscode extension: \`flowc lsp\` over stdio (initialize, diagnostics, shutdown)" \
  node "$vscode/test/lsp-smoke.js" "$flowc"

# Packaging, offline when the machine lets us drop the network.
vsix=$vscode/flowc-$(node -p "require('$vscode/package.json').version").vsix
offline=()
unshare -n true 2>/dev/null && offline=(unshare -n)
rm -f "$vsix"
check "vscode package: vsce package${offline:+ (no network)}" \
  env -C "$vscode" "${offline[@]}" "$npm_bin/vsce" package --allow-missing-repository --out "$vsix"
vsix_contents() {
  [[ -f "$vsix" ]] || { echo "no $vsix"; return 1; }
  unzip -l "$vsix" >"$work/vsix.list" || return 1
  local entry
  for entry in extension/package.json extension/extension.js extension/language-configuration.json \
    extension/syntaxes/flowc.tmLanguage.json extension/readme.md extension/LICENSE.txt \
    extension/node_modules/vscode-languageclient/lib/node/main.js \
    extension/node_modules/vscode-jsonrpc/lib/node/main.js; do
    grep -q " $entry\$" "$work/vsix.list" || { echo "missing from the .vsix: $entry"; return 1; }
  done
  if grep -q ' extension/test/' "$work/vsix.list"; then echo "the tests are packaged"; return 1; fi
  unzip -p "$vsix" extension/syntaxes/flowc.tmLanguage.json | cmp - "$vscode/syntaxes/flowc.tmLanguage.json"
}
check "vscode package: the .vsix holds the grammar, the extension and vscode-languageclient" vsix_contents

# ------------------------------------------------------------------ tree-sitter

# The committed src/ is what the pinned CLI generates from grammar.js.
generated_is_current() {
  mkdir -p "$work/ts" && cp "$ts/grammar.js" "$ts/tree-sitter.json" "$work/ts/" \
    && (cd "$work/ts" && "$tree_sitter" generate) && diff -r "$work/ts/src" "$ts/src"
}
check "tree-sitter: src/ is up to date with grammar.js (tree-sitter generate)" generated_is_current

(cd "$ts" && "$tree_sitter" test) 2>&1 | strip_ansi >"$work/tstest"
ts_rc=${PIPESTATUS[0]}
# the diffs and highlight failures, without the list of passing tests
grep -vE '^ *[0-9]+\. ✓ ' "$work/tstest" | sed -n '/[Ff]ailure/,$p' >"$work/tsfail"
while IFS= read -r line; do
  case $line in
    *"✓ "*) pass "tree-sitter test: ${line#*✓ }" ;;
    *"✗ "*) fail "tree-sitter test: ${line#*✗ }" "$work/tsfail" ;;
  esac
done < <(grep -E '^ *[0-9]+\. [✓✗] ' "$work/tstest")
if [[ $ts_rc -ne 0 ]] && ! grep -q '✗' "$work/tstest"; then
  fail "tree-sitter test exited with $ts_rc (invalid query?)" "$work/tstest"
fi

# Every example, fixture (modules in subdirectories too) and standard library module
# parses without ERROR or MISSING nodes, except the syntax_* fixtures, which are syntax
# errors for flowc and must be for tree-sitter too.
parse_clean() { (cd "$ts" && "$tree_sitter" parse --quiet "$1"); }
parse_fails() { ! (cd "$ts" && "$tree_sitter" parse --quiet "$1"); }
flow_files() { # the .flow files under the given directories, sorted
  find "$@" -name '*.flow' -type f | LC_ALL=C sort
}
mapfile -t parsed < <(flow_files "$repo/examples" "$repo/tests/fixtures" "$repo/src/stdlib")
for f in "${parsed[@]}"; do
  rel=${f#"$repo"/}
  case $(basename "$f") in
    syntax_*) check "tree-sitter parse: $rel has a syntax error" parse_fails "$f" ;;
    *) check "tree-sitter parse: $rel" parse_clean "$f" ;;
  esac
done

builds_library() { # what the Neovim instructions do
  (cd "$ts" && "$tree_sitter" build -o "$work/flowc.so") && [[ -s "$work/flowc.so" ]]
}
check "tree-sitter build: a shared library for editors" builds_library

example=$repo/examples/rust-ci.flow
highlights_example() {
  (cd "$ts" && "$tree_sitter" highlight --html "$example") >"$work/hl.html" || return 1
  local spans; spans=$(grep -o '<span' "$work/hl.html" | wc -l)
  echo "$spans highlighted spans"
  [[ $spans -gt 100 ]]
}
check "tree-sitter highlight: $(basename "$example")" highlights_example
injects_bash() {
  (cd "$ts" && "$tree_sitter" query queries/injections.scm "$example") >"$work/inj" || return 1
  grep -q 'injection.content' "$work/inj" || { echo "no step script captured"; return 1; }
}
check "tree-sitter query: injections.scm marks step scripts" injects_bash
locals_query() {
  (cd "$ts" && "$tree_sitter" query queries/locals.scm "$example") >"$work/loc" || return 1
  grep -q 'local.definition' "$work/loc" && grep -q 'local.reference' "$work/loc"
}
check "tree-sitter query: locals.scm finds definitions and references" locals_query
templates=$repo/tests/fixtures/emit/templates.flow
template_locals() { # import aliases and templates are definitions, `from` calls refer to them
  (cd "$ts" && "$tree_sitter" query queries/locals.scm "$templates") >"$work/tloc" || return 1
  grep -q 'local.definition.namespace' "$work/tloc" && grep -q 'local.definition.function' "$work/tloc" \
    && grep -q 'local.reference' "$work/tloc"
}
check "tree-sitter query: locals.scm on $(basename "$templates") (imports, templates, from)" template_locals

# ------------------------------------------------------------------ Vim

vim_run() { # vim_run FILE SCRIPT: runs a check script on FILE with editors/vim on the runtimepath
  FLOWC_VIM_REPORT=$work/vim-report vim -Nu NONE -i NONE -Es -c "set rtp^=$vimdir" \
    -c 'filetype plugin on' -c 'syntax on' -c "edit $1" -S "$2" </dev/null >/dev/null 2>&1
  local rc=$?
  cat "$work/vim-report" 2>/dev/null
  rm -f "$work/vim-report"
  return $rc
}
check "vim syntax: editors/vim/test/syntax.flow" vim_run "$vimdir/test/syntax.flow" "$vimdir/test/run.vim"
mapfile -t toplevel < <(flow_files "$repo/examples" "$repo/tests/fixtures/emit" "$repo/src/stdlib")
for f in "${toplevel[@]}"; do
  check "vim syntax: no block leaks in ${f#"$repo"/}" vim_run "$f" "$vimdir/test/toplevel.vim"
done

# ------------------------------------------------------------------ Rust drift test

(cd "$repo" && cargo test --quiet --locked --test editors) >"$work/cargo" 2>&1
cargo_rc=$?
summary=$(grep -E '^test result:' "$work/cargo" | tail -1)
if [[ $cargo_rc -eq 0 && $summary =~ ([0-9]+)\ passed ]]; then
  for ((i = 0; i < BASH_REMATCH[1]; i++)); do passed=$((passed + 1)); done
  printf 'ok    cargo test --test editors: %s\n' "${summary#test result: }"
else
  fail "cargo test --test editors" "$work/cargo"
fi

# ------------------------------------------------------------------ summary

log "done in $((SECONDS - start)) s"
if ((failed > 0)); then
  printf 'failed:\n'
  printf '  %s\n' "${failures[@]}"
fi
printf 'editors: %d passed, %d failed\n' "$passed" "$failed"
((failed == 0))
