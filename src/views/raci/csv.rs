//! The RACI matrix as CSV (RFC 4180 quoting, `\n` line ends): one header row, then one row
//! per activity of every process. Columns: `process`, `activity`, one per role (the roles
//! of all processes, in order of first appearance; a role a process does not name is empty
//! in its rows), then `approval` (`2 of releasers`). Every row has the header's length.

use super::matrix;
use crate::model::Model;

/// The matrix of every process in `model` as one CSV table, ending with a line break.
pub fn csv(model: &Model) -> String {
    let matrix = matrix(model);
    let mut roles: Vec<&str> = Vec::new();
    for (name, _) in matrix.tables.iter().flat_map(|t| &t.roles) {
        if !roles.contains(&name.as_str()) {
            roles.push(name);
        }
    }
    let mut header = vec!["process", "activity"];
    header.extend(&roles);
    header.push("approval");
    let mut out = record(header.iter().map(|s| s.to_string()));
    for table in &matrix.tables {
        for row in &table.rows {
            let letters = roles.iter().map(|role| {
                if table.roles.iter().any(|(name, _)| name == role) {
                    row.letters(role)
                } else {
                    String::new()
                }
            });
            let cells = [table.process.clone(), row.activity.clone()]
                .into_iter()
                .chain(letters)
                .chain([row.approval_text().unwrap_or_default()]);
            out.push_str(&record(cells));
        }
    }
    out
}

fn record(cells: impl Iterator<Item = String>) -> String {
    let cells: Vec<String> = cells.map(|c| field(&c)).collect();
    format!("{}\n", cells.join(","))
}

/// A CSV field: quoted, with `"` doubled, when it holds a comma, a quote or a line break.
pub fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn fields_are_quoted_when_needed() {
        assert_eq!(field("R/C"), "R/C");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
    }
}
