; The scripts of `step "..."` and `step """..."""` (also `github step` / `gitlab step`)
; run with bash on both targets.
(step_statement
  script: (string
    (string_content) @injection.content)
  (#set! injection.language "bash")
  (#set! injection.include-children))

; `${{ ... }}` in a `github { }` block is GitHub's expression syntax; nothing to inject.
