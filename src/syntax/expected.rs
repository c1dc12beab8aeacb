//! Turns pest's errors into plain words: rule names never reach users.

use super::errors;
use super::Rule;
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};
use pest::error::{Error, ErrorVariant, InputLocation};

/// What a rule looks like to a user, or `None` for rules that are never worth naming.
fn describe(rule: Rule) -> Option<&'static str> {
    use Rule::*;
    Some(match rule {
        EOI => "end of file",
        file => "`process`, `roles`, `policy`, `template` or `import`",
        roles | kw_roles => "`roles`",
        process | kw_process => "`process`",
        role | ident | path | bare_key | key => "a name",
        member | kw_user | kw_team => "`user \"name\"` or `team \"name\"`",
        members => "a member or a list of members",
        owner_stmt | kw_owner => "`owner`",
        manager_stmt | kw_manager => "`manager`",
        secrets_stmt | kw_secrets => "`secrets`",
        on_stmt | kw_on => "`on`",
        trigger => "a trigger",
        trigger_arg => "an argument",
        input_decl | input_type | kw_string | kw_boolean | kw_number | choice_type | kw_choice => "an input type",
        env_block | kw_env => "`env`",
        env_entry => "`NAME = value`",
        activity | kw_activity => "`activity`",
        after_clause | kw_after => "`after`",
        name_stmt | runs_on_stmt | kw_runs_on | image_stmt | kw_image | step_stmt | kw_step | step_target
        | secret_stmt | kw_secret | matrix_block | kw_matrix | when_stmt | kw_when | timeout_stmt | kw_timeout
        | retry_stmt | kw_retry | allow_failure_stmt | kw_allow_failure | service_stmt | kw_service
        | environment_stmt | kw_environment | approved_by_stmt | kw_approved_by | produces_stmt | kw_produces
        | consumes_stmt | kw_consumes | output_stmt | kw_output | run_by_stmt | kw_run_by | consulted_stmt
        | kw_consulted | informed_stmt | kw_informed => "an activity statement",
        policy | kw_policy => "`policy`",
        import_stmt | kw_import => "`import`",
        kw_as => "`as`",
        template | kw_template | kw_export => "`template`",
        param | param_type => "a parameter (`name: string`)",
        from_clause | kw_from => "`from`",
        use_stmt | kw_use => "`use`",
        template_call => "a template (`name(...)`)",
        call_arg => "an argument (`name: value`)",
        policy_for | kw_for => "`for`",
        policy_require | kw_require => "`require`",
        policy_message | kw_message => "`message`",
        policies_stmt | kw_policies => "`policies`",
        kw_of => "`of`",
        kw_checkout | uses_step | kw_uses => "a step (a string, `checkout` or `uses`)",
        kw_with => "`with`",
        step_block => "a step's settings (`{ name \"...\" github { ... } }`)",
        step_name | kw_name => "`name \"...\"`",
        with_entry => "`name = value`",
        matrix_axis | matrix_include | matrix_exclude | kw_include | kw_exclude => {
            "a matrix axis, `include` or `exclude`"
        }
        matrix_combo => "`{`",
        matrix_pair => "`axis = value`",
        matrix_value => "a value",
        kw_url => "`url`",
        kw_artifact => "`artifact`",
        target_block | kw_github | kw_gitlab => "a `github` or `gitlab` block",
        tv_entries | tv_entry => "`key: value`",
        tv_value | tv_map | tv_list | bare_word | value | literal_list => "a value",
        or_expr | and_expr | comparison | call | list_expr | not_op => "an expression",
        cmp_op => "`==` or `!=`",
        string_list => "a list of strings",
        literal | kw_true | kw_false | kw_null => "a value",
        string | triple_string | plain_string => "a string",
        number => "a number",
        integer => "a whole number",
        duration => "a duration such as `15m` or `2h`",
        _ => return None,
    })
}

/// The words for what was found at `pos`.
fn found(text: &str, pos: usize) -> String {
    let rest = &text[pos..];
    let Some(first) = rest.chars().next() else {
        return "end of file".into();
    };
    if first == '"' {
        return "a string".into();
    }
    if first.is_alphanumeric() || first == '_' {
        let word: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-').collect();
        return format!("`{word}`");
    }
    if first.is_whitespace() {
        return "a line break".into();
    }
    format!("`{first}`")
}

fn list(items: &[&str]) -> String {
    match items {
        [] => "something else".into(),
        [one] => (*one).into(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// Builds the one syntax error for a failed parse.
pub fn syntax_error(file: FileId, text: &str, error: Error<Rule>) -> Diagnostic {
    let pos = match error.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let mut expected: Vec<&str> = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => positives.iter().filter_map(|r| describe(*r)).collect(),
        ErrorVariant::CustomError { .. } => Vec::new(),
    };
    expected.sort_unstable();
    expected.dedup();
    let what = found(text, pos);
    let span = Span::new(file, pos, pos + token_len(&text[pos..]));
    if unclosed_string(&text[pos..]) {
        return errors::syntax(span, "this string is never closed".into(), "string starts here".into())
            .with_help("add a `\"` at its end; for text over several lines use `\"\"\"`");
    }
    let message = format!("expected {}, found {what}", list(&expected));
    let mut diagnostic = errors::syntax(span, message, format!("unexpected {what}"));
    if let Some(help) = hint(text, pos) {
        diagnostic = diagnostic.with_help(help);
    }
    diagnostic
}

/// The length in bytes of the token starting `rest`: a word, or one character.
fn token_len(rest: &str) -> usize {
    let word: usize =
        rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-').map(char::len_utf8).sum();
    if word > 0 {
        return word;
    }
    rest.chars().next().map_or(0, char::len_utf8)
}

/// True when `rest` opens a one-line string that its line never closes.
fn unclosed_string(rest: &str) -> bool {
    let Some(body) = rest.strip_prefix('"') else { return false };
    let line = body.split('\n').next().unwrap_or("");
    let mut escaped = false;
    for c in line.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return false,
            _ => escaped = false,
        }
    }
    true
}

/// A targeted hint for common slips.
fn hint(text: &str, pos: usize) -> Option<&'static str> {
    let rest = &text[pos..];
    if rest.starts_with('=') && !rest.starts_with("==") {
        return Some("to compare two values, write `==`");
    }
    if rest.starts_with(':') {
        return Some("`:` is used only in trigger arguments and `github`/`gitlab` blocks; elsewhere write `=`");
    }
    None
}
