//! The RACI matrix as GitHub-flavoured Markdown: per process a heading, the owner and
//! manager, the activities × roles table (with an `approval` column) and the members of each
//! role; then the legend. Names are code spans with `|` escaped, so no name can end a table
//! cell or turn into a mention or emphasis.

use super::{matrix, Table, LEGEND};
use crate::model::Model;
use std::fmt::Write;

/// The matrices of every process in `model`, ending with a line break.
pub fn markdown(model: &Model) -> String {
    let mut out = String::new();
    for table in &matrix(model).tables {
        write_table(&mut out, table);
    }
    out.push_str("Legend:\n\n");
    for (letter, meaning) in LEGEND {
        let _ = writeln!(out, "- **{letter}**: {meaning}");
    }
    out
}

fn write_table(out: &mut String, table: &Table) {
    let _ = writeln!(out, "## Process {}\n", code(&table.process));
    let _ = match &table.manager {
        Some(manager) => writeln!(out, "Owner {}, manager {}.\n", code(&table.owner), code(manager)),
        None => writeln!(out, "Owner {}, no manager.\n", code(&table.owner)),
    };
    let mut header = vec!["activity".to_string()];
    header.extend(table.roles.iter().map(|(name, _)| code(name)));
    header.push("approval".to_string());
    row(out, &header);
    row(out, &vec!["---".to_string(); header.len()]);
    for r in &table.rows {
        let mut cells = vec![code(&r.activity)];
        cells.extend(table.roles.iter().map(|(name, _)| r.letters(name)));
        let approval = r.approval.as_ref().map(|(role, quorum)| match &r.environment {
            Some(env) => format!("{quorum} of {} in environment {}", code(role), code(env)),
            None => format!("{quorum} of {}", code(role)),
        });
        cells.push(approval.unwrap_or_default());
        row(out, &cells);
    }
    out.push('\n');
    row(out, &["role".to_string(), "members".to_string()]);
    row(out, &["---".to_string(), "---".to_string()]);
    for (name, members) in &table.roles {
        let handles: Vec<String> = members.iter().map(|m| code(&m.handle())).collect();
        let shown = if handles.is_empty() { "(none)".to_string() } else { handles.join(", ") };
        row(out, &[code(name), shown]);
    }
    out.push('\n');
}

fn row(out: &mut String, cells: &[String]) {
    let _ = writeln!(out, "| {} |", cells.join(" | "));
}

/// `text` as a code span that is safe in a table cell: a fence longer than any run of
/// backticks inside, `|` escaped (GFM unescapes it inside the span), line breaks as spaces.
pub fn code(text: &str) -> String {
    let text: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{}{pad}{fence}", text.replace('|', "\\|"))
}

#[cfg(test)]
mod tests {
    use super::code;

    #[test]
    fn code_spans_survive_backticks_and_pipes() {
        assert_eq!(code("deploy"), "`deploy`");
        assert_eq!(code("a|b"), "`a\\|b`");
        assert_eq!(code("x `y` z"), "``x `y` z``");
        assert_eq!(code("`q`"), "`` `q` ``");
        assert_eq!(code("two\nlines"), "`two lines`");
    }
}
