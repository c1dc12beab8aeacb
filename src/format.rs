//! The formatter: `.flow` text in, the same program in the one canonical style out.
//!
//! It works on tokens (see [`lexer`]), so comments survive exactly as written and
//! nothing but white space ever changes: two spaces of indentation per open bracket
//! line, one space between tokens (none inside `()`/`[]`, before `,` `:` `.`, after `!`,
//! or between a name and its `(`/`[`), one space inside `{ }` on one line, at most one
//! blank line in a row and none after `{` or before `}`, `\n` line ends, one final
//! newline. The user's line breaks are kept, so the output is stable and idempotent.
//! `"""` strings are kept verbatim (their common indentation is stripped when parsed).

mod lexer;

use crate::diagnostic::Diagnostic;
use crate::source::FileId;
use lexer::{Kind, Token};

/// Formats one file. Fails with the syntax errors when the text does not parse.
pub fn format(file: FileId, text: &str) -> Result<String, Vec<Diagnostic>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (before, errors) = crate::syntax::parse(file, text);
    if errors.iter().any(Diagnostic::is_error) {
        return Err(errors);
    }
    let formatted = Printer::default().print(&lexer::tokens(text));
    // The printer only moves white space, but the lexer cannot know every context the
    // grammar can (a bare word `a//b` in a target block is not a comment): a result that
    // would mean something else is refused, and the text is left as it is.
    let (after, errors) = crate::syntax::parse(file, &formatted);
    if errors.iter().any(Diagnostic::is_error) || without_spans(&before) != without_spans(&after) {
        return Ok(text.to_string());
    }
    // Nor is a result that would format differently again (formatting is idempotent).
    if Printer::default().print(&lexer::tokens(&formatted)) != formatted {
        return Ok(text.to_string());
    }
    Ok(formatted)
}

/// A syntax tree's debug text with every span removed, to compare two trees by meaning
/// (the formatter's guard, its tests and its fuzz target use this one definition).
pub fn without_spans(file: &crate::ast::File) -> String {
    let debug = format!("{file:?}");
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug.as_str();
    while let Some(start) = rest.find("Span {") {
        out.push_str(&rest[..start]);
        rest = rest[start..].find('}').map_or("", |end| &rest[start + end + 1..]);
    }
    out.push_str(rest);
    out
}

/// A bracket still open: the indentation of the line that opened it.
struct Open {
    indent: usize,
    /// Opens the body of a `process` or `activity`, where statements can continue on the next line.
    statements: bool,
}

#[derive(Default)]
struct Printer {
    out: String,
    line: String,
    line_indent: usize,
    /// The indentation the current line had in the input.
    original_indent: usize,
    stack: Vec<Open>,
    /// The last token on the current (or previous) line that is not a comment.
    last: Option<(Kind, String)>,
    /// The last token of the previous line, for continuation indents.
    previous_line_end: Option<String>,
    pending_blank: bool,
}

impl Printer {
    fn print(mut self, tokens: &[Token]) -> String {
        for token in tokens {
            match token.kind {
                Kind::Newline => self.newline(token.text.matches('\n').count() > 1),
                _ => self.token(token),
            }
        }
        self.newline(false);
        let mut out = self.out.trim_end_matches('\n').to_string();
        out.push('\n');
        if out.trim().is_empty() {
            return String::new();
        }
        out
    }

    fn newline(&mut self, blank_after: bool) {
        if self.line.is_empty() {
            self.pending_blank |= blank_after && !self.out.is_empty();
            return;
        }
        self.out.push_str(&" ".repeat(self.line_indent));
        self.out.push_str(&std::mem::take(&mut self.line));
        self.out.push('\n');
        self.previous_line_end = self.last.as_ref().map(|(_, t)| t.clone());
        self.pending_blank = blank_after && !self.line_opens_block();
    }

    fn line_opens_block(&self) -> bool {
        matches!(&self.last, Some((Kind::Open, t)) if t == "{")
    }

    fn token(&mut self, token: &Token) {
        let popped = self.line.is_empty() && self.start_line(token);
        if !self.line.is_empty() {
            let space = self.space(token);
            self.line.push_str(&space);
        }
        match token.kind {
            Kind::Str => {
                let shift = self.line_indent as isize - self.original_indent as isize;
                self.line.push_str(&reindent(&trim_lines(token.text), shift));
            }
            _ => self.line.push_str(token.text),
        }
        match token.kind {
            Kind::Open => {
                let bracket = token.text.chars().next().unwrap_or('{');
                let first_word = self.line.split_whitespace().next().unwrap_or("");
                let statements = bracket == '{' && matches!(first_word, "process" | "activity");
                self.stack.push(Open { indent: self.line_indent, statements });
            }
            Kind::Close if !popped => {
                self.stack.pop();
            }
            _ => {}
        }
        if !matches!(token.kind, Kind::LineComment | Kind::BlockComment) {
            self.last = Some((token.kind, token.text.to_string()));
        }
    }

    /// Sets the indentation of a new line from the brackets open before it; true when the
    /// line starts with a closing bracket, which this has already popped.
    fn start_line(&mut self, token: &Token) -> bool {
        if self.pending_blank && token.kind != Kind::Close {
            self.out.push('\n');
        }
        self.pending_blank = false;
        self.original_indent = token.space_before.len();
        if token.kind == Kind::Close {
            self.line_indent = self.stack.pop().map_or(0, |open| open.indent);
            return true;
        }
        let base = self.stack.last().map_or(0, |open| open.indent + 2);
        self.line_indent = base + if self.continues() { 4 } else { 0 };
        false
    }

    /// A line continues the previous statement when that line ended mid-statement.
    fn continues(&self) -> bool {
        let in_statements = self.stack.last().is_some_and(|open| open.statements);
        in_statements && matches!(self.previous_line_end.as_deref(), Some("," | "&&" | "||" | "=" | "==" | "!="))
    }

    /// The space between the previous token on this line and `token`.
    fn space(&self, token: &Token) -> String {
        let Some((prev_kind, prev)) = &self.last else { return " ".into() };
        if token.kind == Kind::LineComment || token.kind == Kind::BlockComment {
            return if token.space_before.is_empty() { " ".into() } else { token.space_before.into() };
        }
        let none = match (prev_kind, prev.as_str(), token.kind, token.text) {
            (_, _, Kind::Punct, "," | ":" | "." | "/") => true,
            (_, "." | "/" | "!", _, _) => true,
            (Kind::Open, "(" | "[", _, _) => true,
            (_, _, Kind::Close, ")" | "]") => true,
            (Kind::Open, "{", Kind::Close, "}") => true,
            // A call or trigger `name(`, a choice `choice[`; but `when (a || b)` is a keyword.
            (Kind::Word, word, Kind::Open, "(" | "[") => word != "when",
            _ => false,
        };
        if none {
            String::new()
        } else {
            " ".into()
        }
    }
}

/// Moves every line of a multi-line token after the first by `shift` columns, so a `"""`
/// string follows its statement. Its value does not change: the common indentation of its
/// lines is stripped when it is parsed. Lines indented with tabs, or too little to move
/// left, leave the token as it is.
fn reindent(text: &str, shift: isize) -> String {
    // Text on the opening line counts in the common indentation: moving the rest would change it.
    if !text.starts_with("\"\"\"\n") {
        return text.to_string();
    }
    let mut lines = text.split('\n');
    let first = lines.next().unwrap_or("");
    let rest: Vec<&str> = lines.collect();
    let movable = rest.iter().all(|l| {
        let indent = l.len() - l.trim_start_matches(' ').len();
        !l.trim_start_matches(' ').starts_with('\t') && (l.trim().is_empty() || indent as isize >= -shift)
    });
    if shift == 0 || rest.is_empty() || !movable {
        return text.to_string();
    }
    let moved = rest.iter().map(|l| match shift {
        _ if l.trim().is_empty() => String::new(),
        s if s > 0 => format!("{}{l}", " ".repeat(s as usize)),
        s => l[(-s) as usize..].to_string(),
    });
    std::iter::once(first.to_string()).chain(moved).collect::<Vec<_>>().join("\n")
}

/// A token's text with trailing white space removed from each line: the parser ignores it
/// at the end of `"""` lines, and it cannot occur elsewhere inside a token.
fn trim_lines(text: &str) -> String {
    if !text.contains('\n') || text.contains('\r') {
        return text.to_string();
    }
    // The first line holds the opening quotes, and white space after them is significant.
    let mut lines = text.split('\n');
    let first = lines.next().unwrap_or("");
    std::iter::once(first).chain(lines.map(|line| line.trim_end_matches([' ', '\t']))).collect::<Vec<_>>().join("\n")
}
