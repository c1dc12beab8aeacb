; Highlights for flowc's `.flow` files.
;
; Capture names follow nvim-treesitter's conventions; editors that lack a sub-name fall
; back to its prefix (`@keyword.conditional` -> `@keyword`). A node matched by several
; patterns gets the same capture from each of them, so the result does not depend on
; whether an editor lets the first or the last matching pattern win.

; ------------------------------------------------------------------ comments

(comment) @comment

; ------------------------------------------------------------------ keywords

[
  "roles"
  "policy"
  "process"
  "activity"
] @keyword

[
  "user"
  "team"
  "owner"
  "manager"
  "secrets"
  "env"
  "runs_on"
  "image"
  "step"
  "name"
  "uses"
  "with"
  "secret"
  "matrix"
  "include"
  "exclude"
  "timeout"
  "retry"
  "allow_failure"
  "allow_failure when"
  "service"
  "environment"
  "url"
  "approved_by"
  "of"
  "run_by"
  "consulted"
  "informed"
  "policies"
  "message"
  "produces"
  "artifact"
  "consumes"
  "output"
  "github"
  "gitlab"
] @keyword

[
  "on"
  "after"
  "from"
  "use"
] @keyword

; Modules: `import "path" as alias`, `export template`.
[
  "import"
  "as"
] @keyword.import

(export) @keyword.modifier

"template" @keyword.function

[
  "when"
  "for"
  "require"
] @keyword.conditional

(checkout) @keyword

; `string`, `boolean`, `number` and `choice[...]`: the types of manual inputs and of
; template parameters.
[
  "string"
  "boolean"
  "number"
  "choice"
] @type.builtin

; ------------------------------------------------------------------ literals

(string) @string

(escape_sequence) @string.escape

; `{{name}}` in a template's strings: where the parameter's value is put.
(interpolation) @variable.parameter

(invalid_escape) @error

(number) @number

(integer) @number

(duration) @number

[
  (true)
  (false)
] @boolean

(null) @constant.builtin

; A bare word in a matrix or a target block is a string without quotes.
(bare_word) @string.special

; ------------------------------------------------------------------ names being declared

(process
  name: (identifier) @module)

(activity
  name: (identifier) @function)

(role
  name: (identifier) @type)

(policy
  name: (identifier) @label)

(produces_statement
  name: (identifier) @constant)

(service_statement
  name: (identifier) @label)

(environment_statement
  name: (identifier) @label)

(matrix_axis
  name: (identifier) @property)

(matrix_pair
  axis: (identifier) @property)

(env_entry
  name: (identifier) @constant)

(output_statement
  name: (identifier) @property)

(import_statement
  path: (string) @string.special.path)

(import_statement
  alias: (identifier) @module)

(template
  name: (identifier) @function)

(parameter
  name: (identifier) @variable.parameter)

; ------------------------------------------------------------------ names referred to

(owner_statement
  role: (identifier) @type)

(manager_statement
  role: (identifier) @type)

(approved_by_statement
  role: (identifier) @type)

(run_by_statement
  role: (identifier) @type)

(consulted_statement
  role: (identifier) @type)

(informed_statement
  role: (identifier) @type)

(policies_statement
  policy: (identifier) @label)

(after_clause
  activity: (identifier) @function)

(consumes_statement
  artifact: (identifier) @constant)

(secrets_statement
  secret: (identifier) @constant)

(secret_statement
  secret: (identifier) @constant)

; `from rust.test(toolchain: "1.83")`: a module alias, a template, its arguments.
(template_call
  module: (identifier) @module)

(template_call
  name: (identifier) @function.call)

(template_argument
  name: (identifier) @variable.parameter)

; `use rust.checks() as stable`: the prefix of the group's activity names.
(use_statement
  prefix: (identifier) @module)

; ------------------------------------------------------------------ triggers

(trigger
  event: (identifier) @constant.builtin
  (#any-of? @constant.builtin "push" "pull_request" "schedule" "manual" "any"))

(trigger_argument
  name: (identifier) @variable.parameter)

; ------------------------------------------------------------------ expressions

; Contexts: `branch`, `tag`, `event`, `actor`, `matrix.AXIS`, `inputs.NAME`,
; `outputs.ACTIVITY.NAME`.
((path
  .
  (identifier) @variable.builtin)
  (#any-of? @variable.builtin "branch" "tag" "event" "actor" "matrix" "inputs" "outputs"))

; Event names compared with `event`: `event == push`.
((path
  .
  (identifier) @constant.builtin .)
  (#any-of? @constant.builtin "push" "pull_request" "schedule" "manual"))

; `runs_on linux`: the hosted runners.
(runs_on_statement
  runner: (path
    .
    (identifier) @constant.builtin .)
  (#any-of? @constant.builtin "linux" "macos" "windows"))

; `outputs.build.version`: the activity, then the output.
((path
  .
  (identifier) @variable.builtin
  .
  (identifier) @function
  .
  (identifier) @property)
  (#eq? @variable.builtin "outputs"))

; `matrix.os`, `inputs.level`; in policies `activity.environment`, `process.owner`
((path
  .
  (identifier) @variable.builtin
  .
  (identifier) @property .)
  (#any-of? @variable.builtin "matrix" "inputs" "activity" "process"))

(call
  function: (identifier) @function.builtin
  (#any-of? @function.builtin "startsWith" "contains" "success" "failure" "always"))

(call
  function: (identifier) @function.call
  (#not-any-of? @function.call "startsWith" "contains" "success" "failure" "always"))

[
  "=="
  "!="
  "&&"
  "||"
  "!"
  "="
] @operator

; ------------------------------------------------------------------ target blocks and `with`

(target_entry
  key: (bare_key) @property)

(with_entry
  key: (bare_key) @variable.parameter)

; ------------------------------------------------------------------ punctuation

[
  "{"
  "}"
  "["
  "]"
  "("
  ")"
] @punctuation.bracket

[
  ","
  ":"
  "."
] @punctuation.delimiter
