//! The fixed part of `.flowc/apply-settings.sh`: option errors, the request helper, id look-ups
//! and the per-environment requests. The generated part calls these functions.
//!
//! Every request goes through `send`, so `--dry-run` prints exactly what would be sent.
//! Look-ups run in command substitutions: each checks its own failure (bash 3.2 has no
//! `inherit_errexit`) and an id is sent only when it is a number.

/// Option errors, tool checks and the request helper.
pub(super) const COMMON: &str = r#"usage_error() {
  printf 'apply-settings: %s\n' "$1" >&2
  usage >&2
  exit 2
}

die() {
  printf 'apply-settings: %s\n' "$1" >&2
  exit 1
}

# need PROGRAM HINT: stops unless PROGRAM is on PATH.
need() {
  command -v "$1" >/dev/null 2>&1 || die "$1 is not on PATH: $2"
}

# say TEXT: progress, when requests are really sent.
say() {
  if ! $dry_run; then printf '%s\n' "$1"; fi
}

# send CLIENT METHOD ENDPOINT [BODY]: one API request, the JSON body on standard input.
# In a dry run, prints the request instead.
send() {
  if $dry_run; then
    printf '%s api --method %s %s\n' "$1" "$2" "$3"
    if [ $# -gt 3 ]; then printf '  %s\n' "$4"; fi
    return 0
  fi
  if [ $# -gt 3 ]; then
    "$1" api --method "$2" "$3" --header 'Content-Type: application/json' --input - <<<"$4" >/dev/null
  else
    "$1" api --method "$2" "$3" >/dev/null
  fi
}

"#;

/// Look-ups and requests for GitHub (`gh api`).
pub(super) const GITHUB: &str = r#"# github_reviewer User LOGIN | Team ORG/SLUG: a required reviewer as {"type":...,"id":N}.
# A team without an organisation belongs to the repository's owner.
github_reviewer() {
  local endpoint id
  if [ "$1" = User ]; then
    endpoint="users/$2"
  elif [[ $2 == */* ]]; then
    endpoint="orgs/${2%%/*}/teams/${2#*/}"
  else
    endpoint="orgs/{owner}/teams/$2"
  fi
  if $dry_run; then
    printf '{"type":"%s","id":"<id of %s>"}' "$1" "$endpoint"
    return 0
  fi
  id=$(gh api "$endpoint" --jq .id) || die "github: cannot look up the $1 $2 ($endpoint)"
  [[ $id =~ ^[0-9]+$ ]] || die "github: $endpoint gave no id for the $1 $2"
  printf '{"type":"%s","id":%s}' "$1" "$id"
}

# github_environment NAME ENCODED_NAME REVIEWERS: creates or updates the environment with
# these required reviewers (a JSON list without brackets); self-review is prevented when
# there are reviewers (GitHub refuses it without).
github_environment() {
  local self_review=false
  if [ -n "$3" ]; then self_review=true; fi
  send gh PUT "repos/{owner}/{repo}/environments/$2" "{\"prevent_self_review\":$self_review,\"reviewers\":[$3]}" ||
    die "github: cannot configure the environment $1"
  say "github: environment $1 configured"
}

"#;

/// Look-ups and requests for GitLab (`glab api`, with `jq` to read ids).
pub(super) const GITLAB: &str = r#"# gitlab_id user|group NAME ENDPOINT FILTER: "user_id":N or "group_id":N.
gitlab_id() {
  local answer id
  if $dry_run; then
    printf '"%s_id":"<id of %s>"' "$1" "$3"
    return 0
  fi
  answer=$(glab api "$3") || die "gitlab: cannot look up the $1 $2 ($3)"
  id=$(jq -r "$4" <<<"$answer") || die "gitlab: cannot read the answer to $3"
  [[ $id =~ ^[0-9]+$ ]] || die "gitlab: no $1 $2 ($3 gave no id)"
  printf '"%s_id":%s' "$1" "$id"
}

gitlab_user() { gitlab_id user "$1" "users?username=$1" '.[0].id // empty'; }

# gitlab_group PATH ENCODED_PATH
gitlab_group() { gitlab_id group "$1" "groups/$2" '.id // empty'; }

# gitlab_environment NAME ENCODED_NAME NAME_JSON DEPLOYERS RULES: protects the environment
# with these deploy access levels and approval rules (JSON lists without brackets), after
# unprotecting it when it is already protected; with no deployers, only unprotects it.
gitlab_environment() {
  local endpoint="projects/:id/protected_environments/$2" protected=true
  if $dry_run; then
    printf '# when %s is already protected:\n' "$1"
  elif ! glab api "$endpoint" >/dev/null 2>&1; then
    protected=false
  fi
  if $protected; then
    send glab DELETE "$endpoint" || die "gitlab: cannot unprotect the environment $1"
  fi
  if [ -n "$4" ]; then
    send glab POST projects/:id/protected_environments \
      "{\"name\":$3,\"deploy_access_levels\":[$4],\"approval_rules\":[$5]}" ||
      die "gitlab: cannot protect the environment $1, which is not protected now: fix the cause and run again"
    say "gitlab: environment $1 protected"
  else
    say "gitlab: environment $1 not protected"
  fi
}

"#;
