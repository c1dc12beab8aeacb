//! The `.flow` file an import writes, and its printer.
//!
//! **In:** a [`Flow`] built by a platform importer: one process with its triggers, env,
//! activities (statements already in the language's terms) and target blocks. **Out:**
//! `.flow` text in the canonical style, so that `flowc fmt` leaves it unchanged (tested).
//! Strings are written as `"..."` with escapes, or as `"""` blocks when that keeps them
//! exactly; target-block data is written inline, one key per line.

use super::yaml::{float_text, Node};

/// One imported process, ready to print.
#[derive(Debug, Default)]
pub struct Flow {
    /// Comment lines at the top of the file (without `//`).
    pub header: Vec<String>,
    pub process: String,
    pub triggers: Vec<String>,
    pub env: Vec<(String, Value)>,
    pub secrets: Vec<String>,
    pub activities: Vec<Activity>,
    pub github: Vec<(String, Node)>,
    pub gitlab: Vec<(String, Node)>,
    /// Comments at the end of the process: what was dropped at workflow level.
    pub notes: Vec<String>,
}

/// One activity: its statements in print order.
#[derive(Debug, Default)]
pub struct Activity {
    pub name: String,
    pub after: Vec<String>,
    pub stmts: Vec<Stmt>,
    pub github: Vec<(String, Node)>,
    pub gitlab: Vec<(String, Node)>,
}

#[derive(Debug, Clone)]
pub enum Stmt {
    /// A statement written on one line, e.g. `timeout 10m`.
    Line(String),
    /// `// text`
    Comment(String),
    /// `env { ... }`
    Env(Vec<(String, Value)>),
    /// `[github|gitlab] step ... [{ name "..." github { ... } }]`
    Step { only: Option<&'static str>, kind: Step, name: Option<String>, github: Vec<(String, Node)> },
    /// `matrix { ... }`
    Matrix { axes: Vec<(String, Vec<Node>)>, include: Vec<Vec<(String, Node)>>, exclude: Vec<Vec<(String, Node)>> },
    /// `service NAME "IMAGE" { env { ... } }`
    Service { name: String, image: String, env: Vec<(String, Value)> },
}

#[derive(Debug, Clone)]
pub enum Step {
    Checkout,
    Run(String),
    Uses { action: String, with: Vec<(String, Node)> },
}

/// An `env` value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(String),
    /// A context written as is: `branch`, `matrix.os`.
    Context(String),
}

impl Flow {
    /// The `.flow` text.
    pub fn print(&self) -> String {
        let mut out = String::new();
        for line in &self.header {
            out.push_str(&comment(line));
            out.push('\n');
        }
        out.push_str("\nroles {\n  // flowc import: list who is accountable for this process\n  owners = []\n}\n\n");
        out.push_str(&format!("process {} {{\n  owner owners\n", self.process));
        if !self.triggers.is_empty() {
            out.push_str(&format!("  on {}\n", self.triggers.join(", ")));
        }
        if !self.secrets.is_empty() {
            out.push_str(&format!("  secrets {}\n", self.secrets.join(", ")));
        }
        env_block(&mut out, 2, &self.env);
        for activity in &self.activities {
            out.push('\n');
            activity.print(&mut out);
        }
        target_block(&mut out, 2, "github", &self.github, true);
        target_block(&mut out, 2, "gitlab", &self.gitlab, true);
        if !self.notes.is_empty() {
            out.push('\n');
        }
        for note in &self.notes {
            out.push_str(&format!("  {}\n", comment(note)));
        }
        out.push_str("}\n");
        out
    }
}

impl Activity {
    fn print(&self, out: &mut String) {
        out.push_str(&format!("  activity {}", self.name));
        if !self.after.is_empty() {
            out.push_str(&format!(" after {}", self.after.join(", ")));
        }
        out.push_str(" {\n");
        for stmt in &self.stmts {
            stmt.print(out);
        }
        target_block(out, 4, "github", &self.github, false);
        target_block(out, 4, "gitlab", &self.gitlab, false);
        out.push_str("  }\n");
    }
}

impl Stmt {
    fn print(&self, out: &mut String) {
        match self {
            Stmt::Line(text) => out.push_str(&format!("    {text}\n")),
            Stmt::Comment(text) => out.push_str(&format!("    {}\n", comment(text))),
            Stmt::Env(vars) => env_block(out, 4, vars),
            Stmt::Step { only, kind, name, github } => {
                let prefix = only.map(|t| format!("{t} ")).unwrap_or_default();
                let body = match kind {
                    Step::Checkout => "checkout".to_string(),
                    Step::Run(script) => string_at(script, 4),
                    Step::Uses { action, with } if with.is_empty() => format!("uses {}", string(action)),
                    Step::Uses { action, with } => {
                        let entries: Vec<String> =
                            with.iter().map(|(k, v)| format!("{} = {}", key(k), data(v))).collect();
                        format!("uses {} with {{ {} }}", string(action), entries.join(", "))
                    }
                };
                out.push_str(&format!("    {prefix}step {body}{}\n", step_settings(name.as_deref(), github)));
            }
            Stmt::Matrix { axes, include, exclude } => {
                out.push_str("    matrix {\n");
                for (axis, values) in axes {
                    let values: Vec<String> = values.iter().map(data).collect();
                    out.push_str(&format!("      {axis} = [{}]\n", values.join(", ")));
                }
                for (word, combos) in [("include", include), ("exclude", exclude)] {
                    for combo in combos {
                        let pairs: Vec<String> = combo.iter().map(|(k, v)| format!("{k} = {}", data(v))).collect();
                        out.push_str(&format!("      {word} {{ {} }}\n", pairs.join(", ")));
                    }
                }
                out.push_str("    }\n");
            }
            Stmt::Service { name, image, env } if env.is_empty() => {
                out.push_str(&format!("    service {name} {}\n", string(image)));
            }
            Stmt::Service { name, image, env } => {
                out.push_str(&format!("    service {name} {} {{\n", string(image)));
                env_block(out, 6, env);
                out.push_str("    }\n");
            }
        }
    }
}

/// A step's ` { name "..." github { ... } }`: on the step's line when short, else one
/// setting (and one `github` key) per line.
fn step_settings(name: Option<&str>, github: &[(String, Node)]) -> String {
    let name = name.map(|n| format!("name {}", string(n)));
    if name.is_none() && github.is_empty() {
        return String::new();
    }
    let entries: Vec<String> = github.iter().map(|(k, v)| format!("{}: {}", key(k), data(v))).collect();
    let block = (!entries.is_empty()).then(|| format!("github {{ {} }}", entries.join(", ")));
    let line = format!(" {{ {} }}", name.iter().chain(&block).cloned().collect::<Vec<_>>().join(" "));
    if line.len() <= 72 && !line.contains('\n') {
        return line;
    }
    let mut out = String::from(" {\n");
    if let Some(name) = &name {
        out.push_str(&format!("      {name}\n"));
    }
    if !entries.is_empty() {
        out.push_str("      github {\n");
        for entry in &entries {
            out.push_str(&format!("        {entry}\n"));
        }
        out.push_str("      }\n");
    }
    out.push_str("    }");
    out
}

fn env_block(out: &mut String, indent: usize, vars: &[(String, Value)]) {
    if vars.is_empty() {
        return;
    }
    let pad = " ".repeat(indent);
    out.push_str(&format!("{pad}env {{\n"));
    for (name, value) in vars {
        let value = match value {
            Value::Str(s) => string_at(s, indent + 2),
            Value::Context(c) => c.clone(),
        };
        out.push_str(&format!("{pad}  {name} = {value}\n"));
    }
    out.push_str(&format!("{pad}}}\n"));
}

fn target_block(out: &mut String, indent: usize, target: &str, entries: &[(String, Node)], blank: bool) {
    if entries.is_empty() {
        return;
    }
    let pad = " ".repeat(indent);
    if blank {
        out.push('\n');
    }
    out.push_str(&format!("{pad}{target} {{\n"));
    for (k, v) in entries {
        // `permissions: default` (no `permissions:` at all) reads as the word it is.
        let value = match v {
            Node::Str(s) if k == "permissions" && s == "default" => s.clone(),
            v => data(v),
        };
        out.push_str(&format!("{pad}  {}: {value}\n", key(k)));
    }
    out.push_str(&format!("{pad}}}\n"));
}

/// A line comment; line breaks inside become spaces.
fn comment(text: &str) -> String {
    let one_line: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    if one_line.is_empty() {
        "//".into()
    } else {
        format!("// {}", one_line.trim_end())
    }
}

/// A target-block key: bare when it is a plain word, quoted otherwise.
pub fn key(k: &str) -> String {
    let bare = !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if bare && !matches!(k, "true" | "false" | "null") && !k.starts_with(|c: char| c.is_ascii_digit() || c == '-') {
        k.to_string()
    } else {
        string(k)
    }
}

/// Data in a target block, a `with` or a matrix, on one line.
pub fn data(node: &Node) -> String {
    match node {
        Node::Null => "null".into(),
        Node::Bool(b) => b.to_string(),
        Node::Int(i) => i.to_string(),
        Node::Float(f) if is_plain_float(*f) => float_literal(*f),
        Node::Float(f) => string(&float_text(*f)),
        Node::Str(s) => string(s),
        Node::Seq(items) => format!("[{}]", items.iter().map(data).collect::<Vec<_>>().join(", ")),
        Node::Map(entries) if entries.is_empty() => "{}".into(),
        Node::Map(entries) => {
            let inner: Vec<String> = entries.iter().map(|(k, v)| format!("{}: {}", key(k), data(v))).collect();
            format!("{{ {} }}", inner.join(", "))
        }
        // GitLab's `!reference [job, key]`: the block form the GitLab emitter writes back as the tag.
        Node::Tagged(tag, inner) if tag == "reference" && matches!(**inner, Node::Seq(_)) => {
            format!("{{ {}: {} }}", key("!reference"), data(inner))
        }
        Node::Tagged(_, inner) => data(inner),
    }
}

/// Floats the language's `number` token can write back exactly.
pub fn is_plain_float(f: f64) -> bool {
    f.is_finite() && float_literal(f).parse::<f64>().ok() == Some(f) && !float_literal(f).contains(['e', 'E'])
}

fn float_literal(f: f64) -> String {
    let text = format!("{f:?}");
    if text.contains('.') || text.contains(['e', 'E']) {
        text
    } else {
        format!("{text}.0")
    }
}

/// A `"..."` string literal with escapes.
pub fn string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A string for a statement at `indent`: a `"""` block for multi-line text it keeps exactly.
pub fn string_at(s: &str, indent: usize) -> String {
    triple(s, indent).unwrap_or_else(|| string(s))
}

/// `"""` text, or `None` when the block would not read back as `s`.
fn triple(s: &str, indent: usize) -> Option<String> {
    let body = s.strip_suffix('\n').unwrap_or(s);
    let ends_with_newline = body.len() < s.len();
    if !body.contains('\n') || body.contains('\r') {
        return None;
    }
    let lines: Vec<&str> = body.split('\n').collect();
    // The parser strips trailing blanks and the indentation common to all lines.
    if lines.iter().any(|l| l.ends_with([' ', '\t']) || l.chars().any(|c| c.is_control() && c != '\t')) {
        return None;
    }
    let unindented = lines.iter().any(|l| !l.is_empty() && !l.starts_with([' ', '\t']));
    if !ends_with_newline && !unindented {
        return None;
    }
    // The grammar ends the block at the first `"""`, escaped or not.
    if !ends_with_newline && body.ends_with('"') {
        return None;
    }
    let quotes_all = body.contains("\"\"");
    let pad = " ".repeat(indent + 2);
    let mut out = String::from("\"\"\"\n");
    for (i, line) in lines.iter().enumerate() {
        let mut escaped = line.replace('\\', "\\\\");
        if quotes_all {
            escaped = escaped.replace('"', "\\\"");
        }
        if !line.is_empty() {
            out.push_str(&pad);
            out.push_str(&escaped);
        }
        if i + 1 < lines.len() {
            out.push('\n');
        }
    }
    if ends_with_newline {
        out.push('\n');
        out.push_str(&pad);
    }
    out.push_str("\"\"\"");
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(literal: &str) -> String {
        let text = format!("process p {{ activity a {{ step {literal} }} }}");
        let (file, errors) = crate::syntax::parse(crate::source::FileId(0), &text);
        assert!(errors.is_empty(), "{literal}: {errors:?}");
        match &file.processes[0].activities[0].stmts[0] {
            crate::ast::ActivityStmt::Step(step) => match &step.kind {
                crate::ast::StepKind::Run(s) => s.value.clone(),
                _ => panic!("not a run step"),
            },
            _ => panic!("not a step"),
        }
    }

    #[test]
    fn strings_read_back_unchanged() {
        for s in [
            "echo hi",
            "a\nb\n",
            "a\n  b",
            "  a\n  b\n",
            "echo \"x\"\necho \"\"\"y\"\"\"\n",
            "tab\there\n\nend\n",
            "back\\slash\n$HOME\n",
            "trailing \nspace\n",
            "ends with quote\n\"",
            "\u{1}control\n",
        ] {
            assert_eq!(decoded(&string_at(s, 4)), s, "{s:?}");
            assert_eq!(decoded(&string(s)), s, "{s:?}");
        }
    }
}
