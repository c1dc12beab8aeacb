//! Long explanations of diagnostic codes, for `flowc explain CODE`.

/// The explanation of a code, if it exists.
pub fn explain(code: &str) -> Option<&'static str> {
    let code = code.to_ascii_uppercase();
    EXPLANATIONS.iter().find(|(c, _)| *c == code).map(|(_, text)| *text)
}

/// Every code flowc can report.
pub fn codes() -> impl Iterator<Item = &'static str> {
    EXPLANATIONS.iter().map(|(c, _)| *c)
}

const EXPLANATIONS: &[(&str, &str)] = &[
    ("E0001", "Syntax error: the text does not follow the grammar of .flow files. The message says what was expected at that point."),
    ("E0002", "Unknown escape in a string. Valid escapes: \\\\ \\\" \\n \\t \\r \\0 \\$ and \\u{XXXX}."),
    ("E0003", "A number or duration is out of range."),
    ("E0004", "Brackets are nested too deeply. flowc limits nesting so that no input can exhaust its stack."),
    ("E0005", "A file is not UTF-8 text: it holds a NUL byte, invalid UTF-8, or is larger than flowc reads (64 MiB)."),
    ("E0101", "An activity is named (in `after` or `outputs.ACTIVITY.NAME`) that the process does not define."),
    ("E0102", "A role is named (`owner`, `manager`, `approved_by`) that no `roles { }` block declares."),
    ("E0103", "An activity consumes an artifact that no activity of the process produces."),
    ("E0104", "An activity uses a secret that the process does not declare with `secrets NAME`."),
    ("E0105", "An expression reads `inputs.NAME` but `on manual(...)` declares no such input."),
    ("E0106", "A matrix axis is named that the activity's matrix does not have."),
    ("E0107", "`outputs.ACTIVITY.NAME` names an output the activity does not declare with `output NAME`."),
    ("E0108", "An expression uses a name that is not a context. Contexts: branch, tag, event, actor, matrix.AXIS, inputs.NAME, outputs.ACTIVITY.NAME; events: push, pull_request, schedule, manual. Strings need double quotes."),
    ("E0109", "An expression calls a function that does not exist. Functions: startsWith, contains, success, failure, always."),
    ("E0110", "`on` names a trigger that does not exist. Triggers: push, pull_request, schedule, manual, any (GitLab: every pipeline)."),
    ("E0111", "A trigger is given an argument it does not take."),
    ("E0112", "`from` names a template (or module alias) that does not exist, or a template another module does not `export`."),
    ("E0113", "A template is called with an argument it does not declare, without a required one, or with a value of the wrong type."),
    ("E0114", "A template is used the wrong way: `from` takes a template of activity statements, `use` a group template whose body is whole activities. A template holds one kind or the other."),
    ("E0116", "An `import` names a file that cannot be read, or a `std/` module that does not exist."),
    ("E0201", "Something is defined or given twice: a name (process, activity, role, artifact, ...) or a statement that may appear once."),
    ("E0301", "Activities wait for each other in a cycle, so none of them could start. The message shows the whole cycle."),
    ("E0302", "An activity uses an artifact or output of an activity that runs after it."),
    ("E0303", "Modules import each other in a cycle; the message shows the whole chain."),
    ("E0401", "A value has the wrong type: conditions must be booleans, comparisons need two values of one type."),
    ("E0402", "A function is called with the wrong number of arguments."),
    ("E0403", "An environment value must be a literal or a single context; compute anything else in a step."),
    ("E0501", "Every process needs exactly one accountable owner: `owner ROLE`."),
    ("E0502", "An activity is approved by a role with no members, so nobody could approve it."),
    ("E0503", "`approved_by` needs an `environment`: both platforms attach approvals to environments."),
    ("E0504", "`approved_by N of ROLE` asks for more approvals than the role has members (or for none)."),
    ("E0505", "Separation of duties: someone is in both the `run_by` and the `approved_by` role of an activity, so they could approve their own run."),
    ("E0506", "Two activities deploy to the same environment with different gates (approving role, quorum or run_by). Both platforms attach gates to the environment, so they must agree."),
    ("E0801", "`policies` names a policy that is neither declared in the file (`policy NAME { ... }`) nor standard. Standard policies: timeouts, production-approved, no-secrets-on-pull-requests, owner-and-manager."),
    ("E0802", "An activity (or the process) breaks a policy the process enables. The notes give the policy's message and the requirement that failed."),
    ("E0601", "The chosen target cannot express this feature. The help suggests a target block or a target-specific step."),
    ("E0602", "A key in a `github { }` or `gitlab { }` block is not one flowc passes through at that level."),
    ("E0603", "A key in a target block would replace what flowc generates from a language construct; use the construct. An activity's or a step's `github { name: ... }` beside its `name \"...\"` is one name too many. Keys of constructs that may be left out are accepted when the construct is absent: on GitHub `if` without `when`, `strategy` without `matrix`, `on` without `on`, `container` without `image`, ...; on GitLab `needs` without `after`, `rules`/`only`/`except`/`when` without `when` and `approved_by`, `variables` without `env`, `parallel` without `matrix`, `trigger` without steps, a global `workflow` with `on any`."),
    ("E0604", "A step's settings block (`step \"...\" { name \"Test\" github { id: test } }`) may hold a `name` and a `github { }` block, and only for a step that runs on GitHub: a GitLab step is one line of the job's `script:`, which has no name or settings of its own."),
    ("E0701", "A value is invalid: a bad cron expression, artifact path, name, timeout or matrix, or `${{ }}` in an activity's `name \"...\"` (a portable name is text; GitHub expressions go in `github { name: ... }`)."),
    ("E0702", "Something required is missing, such as the steps of an activity (unless it calls a reusable workflow with `github { uses: ... }`, or its GitLab job takes its script from a template it `extends`, a `trigger`, or an `include`d file), or the `uses` that `with` and `secrets` in an activity's github block need."),
    ("W0001", "A role is declared but no process uses it."),
    ("W0002", "An artifact is produced but no activity consumes it."),
    ("W0003", "A process declares a secret that no activity uses."),
    ("W0101", "A rule of the process can only be documented, not enforced, on the chosen target (for example a quorum above one on GitHub, or team membership in a run-time guard)."),
    ("W0004", "A process has no trigger; it can only be started by hand."),
];
