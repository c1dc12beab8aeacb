; Scopes: roles, policies, templates and import aliases are visible to the whole file;
; activities, artifacts, inputs, matrix axes and outputs to the rest of their process.
(source_file) @local.scope

(process) @local.scope

; Definitions
(role
  name: (identifier) @local.definition.type)

(activity
  name: (identifier) @local.definition.function)

(policy
  name: (identifier) @local.definition.type)

(produces_statement
  name: (identifier) @local.definition.constant)

(trigger_argument
  name: (identifier) @local.definition.parameter)

(env_entry
  name: (identifier) @local.definition.var)

(matrix_axis
  name: (identifier) @local.definition.field)

(output_statement
  name: (identifier) @local.definition.field)

(service_statement
  name: (identifier) @local.definition.var)

(import_statement
  alias: (identifier) @local.definition.namespace)

(template
  name: (identifier) @local.definition.function)

(parameter
  name: (identifier) @local.definition.parameter)

; References
(owner_statement
  role: (identifier) @local.reference)

(manager_statement
  role: (identifier) @local.reference)

(approved_by_statement
  role: (identifier) @local.reference)

(run_by_statement
  role: (identifier) @local.reference)

(consulted_statement
  role: (identifier) @local.reference)

(informed_statement
  role: (identifier) @local.reference)

(policies_statement
  policy: (identifier) @local.reference)

(after_clause
  activity: (identifier) @local.reference)

(consumes_statement
  artifact: (identifier) @local.reference)

; `from local()` names a template of this file, `from alias.name()` a module imported here.
(template_call
  module: (identifier) @local.reference)

(template_call
  .
  name: (identifier) @local.reference)
