//! GitHub Actions expressions (the text inside `${{ }}` and of `if:`): parsed, printed
//! canonically, and translated to flowc conditions where flowc writes them back exactly.
//!
//! **In:** expression text. **Out:** an [`Expr`] tree whose [`Display`](std::fmt::Display)
//! is canonical: one space around binary operators, `&&`/`||` chains flattened,
//! parentheses only where precedence needs them, context names and function names in
//! lower case (GitHub reads both case-insensitively), strings in single quotes. Two texts
//! with the same canonical form are the same expression to GitHub.

use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    /// `github.event_name`, `matrix.os`, `needs.build.outputs.x`, with `*` for `.*`.
    Path(Vec<String>),
    Index(Box<Expr>, Box<Expr>),
    /// A call, with the function name in lower case.
    Call(String, Vec<Expr>),
    Not(Box<Expr>),
    Cmp(&'static str, Box<Expr>, Box<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
}

/// Parses one expression (without `${{ }}`).
pub fn parse(text: &str) -> Result<Expr, String> {
    let tokens = tokens(text)?;
    let mut p = Parser { tokens, at: 0 };
    let e = p.or()?;
    if p.at != p.tokens.len() {
        return Err(format!("unexpected `{}`", p.tokens[p.at].text()));
    }
    Ok(e)
}

/// The expression of a value that is exactly one `${{ ... }}`, or `None`.
pub fn wrapped(text: &str) -> Option<&str> {
    let inner = text.trim().strip_prefix("${{")?.strip_suffix("}}")?;
    (!inner.contains("${{") && !inner.contains("}}")).then_some(inner.trim())
}

/// Rewrites every `${{ ... }}` in `text` canonically; text around them is kept.
pub fn canonical_text(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${{") {
        let Some(len) = rest[start..].find("}}") else { break };
        out.push_str(&rest[..start]);
        let inner = &rest[start + 3..start + len];
        match parse(inner) {
            Ok(e) => out.push_str(&format!("${{{{ {e} }}}}")),
            Err(_) => out.push_str(&rest[start..start + len + 2]),
        }
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    out
}

/// An `if:` condition in canonical form: `${{ }}` is optional there.
pub fn canonical_condition(text: &str) -> String {
    let inner = wrapped(text).unwrap_or(text.trim());
    parse(inner).map_or_else(|_| text.trim().to_string(), |e| e.to_string())
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Num(f64),
    Str(String),
    Word(String),
    Op(&'static str),
}

impl Token {
    fn text(&self) -> String {
        match self {
            Token::Num(n) => n.to_string(),
            Token::Str(s) => format!("'{s}'"),
            Token::Word(w) => w.clone(),
            Token::Op(o) => o.to_string(),
        }
    }
}

const OPS: [&str; 16] = ["&&", "||", "==", "!=", "<=", ">=", "<", ">", "!", "(", ")", "[", "]", ".", ",", "*"];

fn tokens(text: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '\'' {
            let mut s = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    None => return Err("unterminated string".into()),
                    Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                        s.push('\'');
                        i += 2;
                    }
                    Some('\'') => {
                        i += 1;
                        break;
                    }
                    Some(&ch) => {
                        s.push(ch);
                        i += 1;
                    }
                }
            }
            out.push(Token::Str(s));
        } else if c.is_ascii_digit() || (c == '-' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) {
            let start = i;
            i += 1;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '.') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let n = match word.strip_prefix("0x") {
                Some(hex) => i64::from_str_radix(hex, 16).map(|n| n as f64).map_err(|e| e.to_string())?,
                None => word.parse::<f64>().map_err(|_| format!("bad number `{word}`"))?,
            };
            out.push(Token::Num(n));
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '-') {
                i += 1;
            }
            out.push(Token::Word(chars[start..i].iter().collect()));
        } else {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            let op = OPS.iter().find(|op| two.starts_with(**op)).ok_or_else(|| format!("unexpected `{c}`"))?;
            i += op.len();
            out.push(Token::Op(op));
        }
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn eat(&mut self, op: &str) -> bool {
        if self.peek() == Some(&Token::Op(OPS.into_iter().find(|o| *o == op).unwrap_or("?"))) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, op: &str) -> Result<(), String> {
        if self.eat(op) {
            Ok(())
        } else {
            Err(format!("expected `{op}`"))
        }
    }

    fn or(&mut self) -> Result<Expr, String> {
        let mut items = vec![self.and()?];
        while self.eat("||") {
            items.push(self.and()?);
        }
        Ok(flatten(items, true))
    }

    fn and(&mut self) -> Result<Expr, String> {
        let mut items = vec![self.equality()?];
        while self.eat("&&") {
            items.push(self.equality()?);
        }
        Ok(flatten(items, false))
    }

    fn equality(&mut self) -> Result<Expr, String> {
        let mut left = self.relation()?;
        loop {
            let op = if self.eat("==") {
                "=="
            } else if self.eat("!=") {
                "!="
            } else {
                return Ok(left);
            };
            left = Expr::Cmp(op, Box::new(left), Box::new(self.relation()?));
        }
    }

    fn relation(&mut self) -> Result<Expr, String> {
        let mut left = self.unary()?;
        loop {
            let op = ["<=", ">=", "<", ">"].into_iter().find(|op| self.eat(op));
            let Some(op) = op else { return Ok(left) };
            left = Expr::Cmp(op, Box::new(left), Box::new(self.unary()?));
        }
    }

    fn unary(&mut self) -> Result<Expr, String> {
        if self.eat("!") {
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        self.postfix()
    }

    fn postfix(&mut self) -> Result<Expr, String> {
        let mut e = self.primary()?;
        loop {
            if self.eat(".") {
                let segment = match self.tokens.get(self.at).cloned() {
                    Some(Token::Word(w)) => w.to_ascii_lowercase(),
                    Some(Token::Op("*")) => "*".into(),
                    _ => return Err("expected a property name after `.`".into()),
                };
                self.at += 1;
                e = match e {
                    Expr::Path(mut path) => {
                        path.push(segment);
                        Expr::Path(path)
                    }
                    other => Expr::Index(Box::new(other), Box::new(Expr::Str(segment))),
                };
            } else if self.eat("[") {
                let index = self.or()?;
                self.expect("]")?;
                e = Expr::Index(Box::new(e), Box::new(index));
            } else {
                return Ok(e);
            }
        }
    }

    fn primary(&mut self) -> Result<Expr, String> {
        let token = self.tokens.get(self.at).cloned().ok_or("unexpected end of expression")?;
        self.at += 1;
        match token {
            Token::Num(n) => Ok(Expr::Num(n)),
            Token::Str(s) => Ok(Expr::Str(s)),
            Token::Op("(") => {
                let e = self.or()?;
                self.expect(")")?;
                Ok(e)
            }
            Token::Word(w) if self.eat("(") => {
                let mut args = Vec::new();
                if !self.eat(")") {
                    loop {
                        args.push(self.or()?);
                        if self.eat(")") {
                            break;
                        }
                        self.expect(",")?;
                    }
                }
                Ok(Expr::Call(w.to_ascii_lowercase(), args))
            }
            Token::Word(w) => Ok(match w.as_str() {
                "true" => Expr::Bool(true),
                "false" => Expr::Bool(false),
                "null" => Expr::Null,
                _ => Expr::Path(vec![w.to_ascii_lowercase()]),
            }),
            Token::Op(op) => Err(format!("unexpected `{op}`")),
        }
    }
}

fn flatten(items: Vec<Expr>, or: bool) -> Expr {
    let mut out = Vec::new();
    for item in items {
        match item {
            Expr::Or(inner) if or => out.extend(inner),
            Expr::And(inner) if !or => out.extend(inner),
            other => out.push(other),
        }
    }
    match (out.len(), or) {
        (1, _) => out.pop().expect("one item"),
        (_, true) => Expr::Or(out),
        (_, false) => Expr::And(out),
    }
}

impl Expr {
    /// Binding strength, loosest first, for parenthesising.
    fn level(&self) -> u8 {
        match self {
            Expr::Or(_) => 1,
            Expr::And(_) => 2,
            Expr::Cmp("==" | "!=", ..) => 3,
            Expr::Cmp(..) => 4,
            Expr::Not(_) => 5,
            _ => 6,
        }
    }

    fn child(&self, e: &Expr, min: u8, f: &mut fmt::Formatter) -> fmt::Result {
        if e.level() < min {
            write!(f, "({e})")
        } else {
            write!(f, "{e}")
        }
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Expr::Null => f.write_str("null"),
            Expr::Bool(b) => write!(f, "{b}"),
            Expr::Num(n) => f.write_str(&super::yaml::float_text(*n)),
            Expr::Str(s) => write!(f, "'{}'", s.replace('\'', "''")),
            Expr::Path(path) => f.write_str(&path.join(".")),
            Expr::Index(e, i) => {
                self.child(e, 6, f)?;
                write!(f, "[{i}]")
            }
            Expr::Call(name, args) => {
                write!(f, "{name}(")?;
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{a}")?;
                }
                f.write_str(")")
            }
            Expr::Not(e) => {
                f.write_str("!")?;
                self.child(e, 5, f)
            }
            Expr::Cmp(op, a, b) => {
                let level = self.level();
                self.child(a, level, f)?;
                write!(f, " {op} ")?;
                self.child(b, level + 1, f)
            }
            Expr::And(items) | Expr::Or(items) => {
                let level = self.level();
                let sep = if level == 1 { " || " } else { " && " };
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(sep)?;
                    }
                    self.child(item, level + 1, f)?;
                }
                Ok(())
            }
        }
    }
}

/// A flowc condition for `e`, when flowc's GitHub emitter writes it back as the same
/// expression: event tests, status functions, matrix values and boolean inputs without
/// a default, joined with `&&`, `||` and `!`.
pub fn to_flowc(e: &Expr, bool_inputs: &[String], matrix_axes: &[String]) -> Option<String> {
    Some(match e {
        Expr::Bool(b) => b.to_string(),
        Expr::Str(s) if !s.contains(['"', '\\']) => format!("\"{s}\""),
        Expr::Num(n) => super::yaml::float_text(*n),
        Expr::Path(p) if p.len() == 2 && p[0] == "matrix" && matrix_axes.contains(&p[1]) => format!("matrix.{}", p[1]),
        Expr::Path(p) if p.len() == 2 && p[0] == "inputs" && bool_inputs.contains(&p[1]) => format!("inputs.{}", p[1]),
        Expr::Call(name, args) if args.is_empty() && matches!(name.as_str(), "success" | "failure" | "always") => {
            format!("{name}()")
        }
        Expr::Cmp(op @ ("==" | "!="), a, b) => {
            let event = |x: &Expr| matches!(x, Expr::Path(p) if p == &["github", "event_name"]);
            let name = |x: &Expr| match x {
                Expr::Str(s) => event_word(s),
                _ => None,
            };
            let (l, r) = match (a.as_ref(), b.as_ref()) {
                (x, y) if event(x) => ("event".to_string(), name(y)?.to_string()),
                (x, y) if event(y) => (name(x)?.to_string(), "event".to_string()),
                (x, y) => (simple(x, bool_inputs, matrix_axes)?, simple(y, bool_inputs, matrix_axes)?),
            };
            format!("{l} {op} {r}")
        }
        Expr::Not(inner) if matches!(inner.as_ref(), Expr::Path(_) | Expr::Call(..)) => {
            format!("!{}", to_flowc(inner, bool_inputs, matrix_axes)?)
        }
        Expr::And(items) | Expr::Or(items) => {
            let sep = if matches!(e, Expr::Or(_)) { " || " } else { " && " };
            let parts: Option<Vec<String>> = items
                .iter()
                .map(|i| {
                    let text = to_flowc(i, bool_inputs, matrix_axes)?;
                    Some(if matches!(i, Expr::And(_) | Expr::Or(_)) { format!("({text})") } else { text })
                })
                .collect();
            parts?.join(sep)
        }
        _ => return None,
    })
}

fn simple(e: &Expr, bool_inputs: &[String], matrix_axes: &[String]) -> Option<String> {
    match e {
        Expr::Path(_) | Expr::Str(_) | Expr::Bool(_) | Expr::Num(_) => to_flowc(e, bool_inputs, matrix_axes),
        _ => None,
    }
}

fn event_word(github_event: &str) -> Option<&'static str> {
    Some(match github_event {
        "push" => "push",
        "pull_request" => "pull_request",
        "schedule" => "schedule",
        "workflow_dispatch" => "manual",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(text: &str) -> String {
        parse(text).unwrap().to_string()
    }

    #[test]
    fn canonical_forms() {
        assert_eq!(canon("(a == 'x') && (b || c)"), "a == 'x' && (b || c)");
        assert_eq!(canon("!(a == b)"), "!(a == b)");
        assert_eq!(canon("!a == b"), "!a == b");
        assert_eq!(canon("startsWith(GitHub.Ref, 'refs/tags/')"), "startswith(github.ref, 'refs/tags/')");
        assert_eq!(canon("a && (b && c)"), "a && b && c");
        assert_eq!(canon("github.event.pull_request.labels.*.name"), "github.event.pull_request.labels.*.name");
        assert_eq!(canon("fromJSON(needs.x.outputs.m)[matrix.os]"), "fromjson(needs.x.outputs.m)[matrix.os]");
        assert_eq!(canonical_condition("${{ always() }}"), canonical_condition("always()"));
    }

    #[test]
    fn translates_what_flowc_writes_back() {
        let e = parse("github.event_name == 'push' && always()").unwrap();
        assert_eq!(to_flowc(&e, &[], &[]).as_deref(), Some("event == push && always()"));
        assert_eq!(to_flowc(&parse("github.ref == 'refs/heads/main'").unwrap(), &[], &[]), None);
    }
}
