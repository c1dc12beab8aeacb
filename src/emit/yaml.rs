//! The YAML writer shared by the GitHub Actions and GitLab CI emitters.
//!
//! **In:** a [`Yaml`] tree built by an emitter (maps keep their insertion
//! order) and a header text. **Out:** one YAML document as a `String`
//! ([`to_document`]): the header as `# ` comment lines, then the value in
//! block style.
//!
//! **Guarantees**
//! - The document means the same to YAML 1.1 readers (GitLab's Ruby Psych,
//!   PyYAML) and YAML 1.2 readers (GitHub): every string, key or value, that
//!   any of them would resolve to something other than that string (`on`,
//!   `no`, `~`, `0777`, `1:30`, `0:30`, `1,000`, `2024-01-01`, `.inf`,
//!   `a: b`, `*x`, leading/trailing spaces, control characters, ...) is
//!   quoted, so every string reads back unchanged.
//! - Multi-line strings are `|` literal blocks with the chomping indicator
//!   that keeps their exact trailing newlines (`|-`, `|`, `|+`), unless the
//!   block cannot hold the characters, libyaml would reject it, or yamllint
//!   would (trailing whitespace on a line, more than two blank lines in a
//!   row, blank lines at the end of the file); then they are double-quoted
//!   with escapes.
//! - The output passes yamllint (`extends: default`, no `document-start`,
//!   2-space indentation, sequences indented consistently, only
//!   `true`/`false` as booleans); only `line-length` depends on the content.
//! - Deterministic (same tree, same bytes); ends with exactly one newline;
//!   empty collections are `{}` / `[]`; floats re-read as the same `f64`.
//!
//! **How.** serde-saphyr renders the tree (through the [`serde::Serialize`]
//! impl of [`Yaml`]); by itself it already quotes everything PyYAML and
//! YAML 1.2 readers would misread, chooses `|` blocks and escapes. This
//! module adds, by wrapping such strings in serde-saphyr's [`DoubleQuoted`]:
//! values Psych alone reads as numbers or times (`0:30`, `1,000`), and
//! blocks that yamllint or libyaml reject. serde-saphyr ignores
//! `DoubleQuoted` on keys and does not need it there: it quotes every key with
//! `:` or `,`, and every Psych-only number or time holds one. A `<<` key
//! whose value is a collection gets an explicit `!!str` tag, since Psych
//! merges it even when quoted.

use std::collections::HashSet;

use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::Serialize;
use serde_saphyr::{DoubleQuoted, SerializerOptions, Tagged};

/// An ordered YAML value built by the emitters.
#[derive(Debug, Clone, PartialEq)]
pub enum Yaml {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float; emitters only produce finite ones (`NaN`/`inf` would render
    /// as `.nan`/`.inf`).
    Float(f64),
    /// A string; quoted or block-styled as needed.
    Str(String),
    /// A sequence.
    Seq(Vec<Yaml>),
    /// A mapping with string keys, rendered in this order. Keys must be
    /// unique ([`to_document`] panics otherwise).
    Map(Vec<(String, Yaml)>),
    /// A value with a local tag, tag name without the `!` (GitLab's `!reference [job, key]`).
    Tagged(String, Box<Yaml>),
}

impl Yaml {
    /// A string value.
    #[must_use]
    pub fn str(s: impl Into<String>) -> Yaml {
        Yaml::Str(s.into())
    }

    /// An empty mapping, to be filled with [`Yaml::with`] / [`Yaml::insert`].
    #[must_use]
    pub fn map() -> Yaml {
        Yaml::Map(Vec::new())
    }

    /// An empty sequence, to be filled with [`Yaml::push`].
    #[must_use]
    pub fn seq() -> Yaml {
        Yaml::Seq(Vec::new())
    }

    /// Builder form of [`Yaml::insert`]: `Yaml::map().with("a", 1).with("b", "x")`.
    ///
    /// # Panics
    /// If `self` is not a [`Yaml::Map`].
    #[must_use]
    pub fn with(mut self, key: impl Into<String>, value: impl Into<Yaml>) -> Yaml {
        self.insert(key, value);
        self
    }

    /// Sets `key` in a mapping: replaces the value in place if the key is
    /// already there, appends the entry otherwise.
    ///
    /// # Panics
    /// If `self` is not a [`Yaml::Map`].
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<Yaml>) {
        let Yaml::Map(entries) = self else {
            panic!("Yaml::insert on a non-map value: {self:?}");
        };
        let key = key.into();
        let value = value.into();
        match entries.iter_mut().find(|(k, _)| *k == key) {
            Some(entry) => entry.1 = value,
            None => entries.push((key, value)),
        }
    }

    /// Appends an item to a sequence.
    ///
    /// # Panics
    /// If `self` is not a [`Yaml::Seq`].
    pub fn push(&mut self, item: impl Into<Yaml>) {
        let Yaml::Seq(items) = self else {
            panic!("Yaml::push on a non-sequence value: {self:?}");
        };
        items.push(item.into());
    }

    /// The value under `key` if `self` is a mapping that has it.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Yaml> {
        match self {
            Yaml::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The value under `key`, to change, if `self` is a mapping that has it.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Yaml> {
        match self {
            Yaml::Map(entries) => entries.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

impl From<&str> for Yaml {
    fn from(s: &str) -> Yaml {
        Yaml::Str(s.to_owned())
    }
}

impl From<String> for Yaml {
    fn from(s: String) -> Yaml {
        Yaml::Str(s)
    }
}

impl From<&String> for Yaml {
    fn from(s: &String) -> Yaml {
        Yaml::Str(s.clone())
    }
}

impl From<bool> for Yaml {
    fn from(b: bool) -> Yaml {
        Yaml::Bool(b)
    }
}

impl From<i64> for Yaml {
    fn from(n: i64) -> Yaml {
        Yaml::Int(n)
    }
}

impl From<i32> for Yaml {
    fn from(n: i32) -> Yaml {
        Yaml::Int(i64::from(n))
    }
}

impl From<u32> for Yaml {
    fn from(n: u32) -> Yaml {
        Yaml::Int(i64::from(n))
    }
}

impl From<f64> for Yaml {
    fn from(x: f64) -> Yaml {
        Yaml::Float(x)
    }
}

impl From<Vec<Yaml>> for Yaml {
    fn from(items: Vec<Yaml>) -> Yaml {
        Yaml::Seq(items)
    }
}

impl<T: Into<Yaml>> From<Option<T>> for Yaml {
    /// `None` becomes [`Yaml::Null`].
    fn from(v: Option<T>) -> Yaml {
        v.map_or(Yaml::Null, Into::into)
    }
}

impl FromIterator<Yaml> for Yaml {
    /// Collects into a [`Yaml::Seq`].
    fn from_iter<I: IntoIterator<Item = Yaml>>(iter: I) -> Yaml {
        Yaml::Seq(iter.into_iter().collect())
    }
}

impl<K: Into<String>> FromIterator<(K, Yaml)> for Yaml {
    /// Collects into a [`Yaml::Map`] (entries kept as given, in order).
    fn from_iter<I: IntoIterator<Item = (K, Yaml)>>(iter: I) -> Yaml {
        Yaml::Map(iter.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }
}

/// Render a whole document: `header` lines (may be multi-line text) become `# ` comment lines at the top, then the value.
///
/// An empty header adds no lines; empty header lines become a bare `#`.
///
/// # Panics
/// If a [`Yaml::Map`] in `value` has a duplicate key (an emitter bug: both
/// CI systems reject such files).
#[must_use]
pub fn to_document(value: &Yaml, header: &str) -> String {
    check_unique_keys(value);
    let mut out = header_comment(header);
    render_body(value, &mut out);
    out
}

/// The `#` comment block for `header`, one line per header line.
fn header_comment(header: &str) -> String {
    let mut out = String::new();
    for line in header.lines() {
        let line = sanitize_comment(line);
        let line = line.trim_end();
        if line.is_empty() {
            out.push_str("#\n");
        } else {
            out.push_str("# ");
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Replaces characters a comment cannot hold (they would end the line or
/// make the file unreadable) with U+FFFD.
fn sanitize_comment(line: &str) -> String {
    line.chars()
        .map(|c| {
            let breaks = matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{FEFF}');
            let unprintable = c.is_control() && c != '\t';
            if breaks || unprintable || matches!(c, '\u{FFFE}' | '\u{FFFF}') {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect()
}

/// Panics on the first mapping with a repeated key.
fn check_unique_keys(value: &Yaml) {
    match value {
        Yaml::Seq(items) => items.iter().for_each(check_unique_keys),
        Yaml::Tagged(_, inner) => check_unique_keys(inner),
        // Most maps are a job's handful of keys: comparing them pairwise is cheaper than
        // hashing them into a new set.
        Yaml::Map(entries) if entries.len() <= 8 => {
            for (i, (key, item)) in entries.iter().enumerate() {
                assert!(entries[..i].iter().all(|(k, _)| k != key), "duplicate YAML map key {key:?}");
                check_unique_keys(item);
            }
        }
        Yaml::Map(entries) => {
            let mut seen = HashSet::with_capacity(entries.len());
            for (key, item) in entries {
                assert!(seen.insert(key.as_str()), "duplicate YAML map key {key:?}");
                check_unique_keys(item);
            }
        }
        _ => {}
    }
}

/// The serde-saphyr settings: 2-space indentation, sequences indented under
/// their key (`key:\n  - item`, the same everywhere in the file), `|` blocks
/// for multi-line strings, no automatic `>` folding of long lines (a folded
/// scalar is easy to misread and changes nothing for the readers), and
/// YAML 1.1-aware quoting.
fn options() -> SerializerOptions {
    serde_saphyr::ser_options! {
        indent_step: 2,
        compact_list_indent: false,
        prefer_block_scalars: true,
        folded_wrap_chars: usize::MAX,
        yaml_12: false,
        quote_all: false,
    }
}

/// Appends the value rendered by serde-saphyr to `out` (written in place, not
/// rendered apart and copied), ending in exactly one newline.
fn render_body(value: &Yaml, out: &mut String) {
    let start = out.len();
    serde_saphyr::to_fmt_writer_with_options(out, value, options())
        .unwrap_or_else(|e| panic!("serde-saphyr failed to render YAML: {e}"));
    end_with_single_newline(out, start);
}

/// Makes `text[start..]` end in exactly one `\n` (serde-saphyr ends block
/// output with one already; this only guards the invariant).
fn end_with_single_newline(text: &mut String, start: usize) {
    let trimmed = text[start..].trim_end_matches('\n').len() + start;
    debug_assert!(text.len() - trimmed <= 1, "trailing blank lines would change a value");
    if text.len() == trimmed {
        text.push('\n');
    }
}

/// A [`Yaml`] node plus what the writer needs to know about its position.
struct Node<'a> {
    value: &'a Yaml,
    /// Nothing is written after this node: a `|+` block here would leave
    /// blank lines at the end of the file.
    at_end: bool,
}

impl Serialize for Yaml {
    /// Maps in order (`serialize_map`), sequences, scalars; strings that
    /// need it wrapped in [`DoubleQuoted`]. Meant for serde-saphyr with the
    /// settings of [`to_document`], which also renders the header and checks
    /// the keys; the value is taken to be the last thing in the document.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Node { value: self, at_end: true }.serialize(serializer)
    }
}

impl Serialize for Node<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.value {
            Yaml::Null => serializer.serialize_unit(),
            Yaml::Bool(b) => serializer.serialize_bool(*b),
            Yaml::Int(n) => serializer.serialize_i64(*n),
            Yaml::Float(x) => serializer.serialize_f64(*x),
            Yaml::Str(s) if needs_double_quotes(s, self.at_end) => DoubleQuoted(s.as_str()).serialize(serializer),
            Yaml::Str(s) => serializer.serialize_str(s),
            Yaml::Seq(items) => self.serialize_seq(items, serializer),
            Yaml::Map(entries) => self.serialize_map(entries, serializer),
            Yaml::Tagged(tag, inner) => {
                Tagged(Node { value: inner, at_end: self.at_end }, Some(format!("!{tag}"))).serialize(serializer)
            }
        }
    }
}

impl Node<'_> {
    fn serialize_seq<S: Serializer>(&self, items: &[Yaml], serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(items.len()))?;
        for (i, item) in items.iter().enumerate() {
            let last = self.at_end && i + 1 == items.len();
            seq.serialize_element(&Node { value: item, at_end: last })?;
        }
        seq.end()
    }

    fn serialize_map<S: Serializer>(&self, entries: &[(String, Yaml)], serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(entries.len()))?;
        for (i, (key, item)) in entries.iter().enumerate() {
            let last = self.at_end && i + 1 == entries.len();
            let value = Node { value: item, at_end: last };
            if is_merge_key(key, item) {
                map.serialize_entry(&Tagged(key.as_str(), Some(STR_TAG.to_owned())), &value)?;
            } else {
                map.serialize_entry(key, &value)?;
            }
        }
        map.end()
    }
}

/// The YAML string tag, written verbatim (`!<...>`) by serde-saphyr.
const STR_TAG: &str = "tag:yaml.org,2002:str";

/// Whether Psych would take the entry `key: item` as a merge (`<<`) even
/// with the key quoted: it merges any untagged `<<` key whose value is a
/// mapping or sequence. Such a key gets an explicit `!!str` tag, which
/// serde-saphyr writes as the explicit key `? !<tag:yaml.org,2002:str> "<<"`.
fn is_merge_key(key: &str, item: &Yaml) -> bool {
    key == "<<" && matches!(item, Yaml::Map(_) | Yaml::Seq(_))
}

/// Whether `s` must be written double-quoted although serde-saphyr would
/// write it plain or as a `|` block.
fn needs_double_quotes(s: &str, at_end: bool) -> bool {
    if s.contains('\n') {
        !block_passes_yamllint(s, at_end) || first_line_starts_with_tab(s)
    } else {
        psych_misreads(s)
    }
}

/// Whether a `|` block holding `s` passes yamllint: no line ends in a space
/// or tab (`trailing-spaces`), at most two blank lines in a row and none at
/// the end of the file (`empty-lines`). Block bodies write empty lines
/// without indentation, so every empty line of `s` is a blank line.
fn block_passes_yamllint(s: &str, at_end: bool) -> bool {
    let body = s.strip_suffix('\n').unwrap_or(s);
    let mut blank_run = 0;
    for line in body.split('\n') {
        if line.ends_with([' ', '\t']) {
            return false;
        }
        blank_run = if line.is_empty() { blank_run + 1 } else { 0 };
        if blank_run > 2 {
            return false;
        }
    }
    !(at_end && blank_run > 0)
}

/// Whether the first non-empty line of `s` starts with a tab. libyaml
/// (under Psych) rejects such a `|` block ("found a tab character where an
/// indentation space is expected") unless it has an indentation indicator,
/// and serde-saphyr only writes one for leading spaces.
fn first_line_starts_with_tab(s: &str) -> bool {
    s.split('\n').find(|line| !line.is_empty()).is_some_and(|line| line.starts_with('\t'))
}

/// Single-line strings that Ruby's Psych (GitLab's YAML 1.1 reader) turns
/// into numbers or times but that serde-saphyr (which follows the YAML 1.1
/// spec and PyYAML) leaves plain as values: Psych deletes `,` before reading
/// integers and floats (`1,000` → 1000, `1,` → 1, `1,000.5`), reads base-60
/// with a leading zero (`0:30` → 30) and times with a negative year
/// (`-2024-01-01 10:00:00`). Everything else Psych resolves (null, the
/// case-insensitive booleans, dates, `_` in numbers, `.inf`, `:symbols`)
/// serde-saphyr quotes already, so only strings with `,` or `:` can differ.
/// Over-approximated on purpose: a quoted string is never wrong.
fn psych_misreads(s: &str) -> bool {
    s.contains([',', ':']) && (looks_numeric(s) || looks_like_date(s))
}

/// An optional sign, then a digit or `.`, then only characters of numbers
/// in any radix/notation: digits, hex letters, `x o b`, `. , _ : + -`.
fn looks_numeric(s: &str) -> bool {
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    let starts_like_number = unsigned.starts_with(|c: char| c.is_ascii_digit() || c == '.');
    starts_like_number
        && unsigned.chars().any(|c| c.is_ascii_digit())
        && unsigned
            .chars()
            .all(|c| c.is_ascii_hexdigit() || matches!(c, 'x' | 'X' | 'o' | 'O' | '.' | ',' | '_' | ':' | '+' | '-'))
}

/// An optional `-`, four digits and a `-` (every date and time starts so).
fn looks_like_date(s: &str) -> bool {
    let rest = s.strip_prefix('-').unwrap_or(s);
    let bytes = rest.as_bytes();
    bytes.len() > 4 && bytes[..4].iter().all(u8::is_ascii_digit) && bytes[4] == b'-'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(value: &Yaml) -> String {
        to_document(value, "")
    }

    #[test]
    fn local_tags_stand_before_their_value() {
        let reference = |job: &str, key: &str| Yaml::Tagged("reference".into(), Box::new(strings_of(&[job, key])));
        let value = Yaml::map()
            .with("before_script", Yaml::Seq(vec![reference(".setup", "before_script"), "make".into()]))
            .with("rules", reference(".rules", "rules"));
        let text = doc(&value);
        assert_eq!(
            text,
            "before_script:\n  - !reference\n    - .setup\n    - before_script\n  - make\nrules: !reference\n  - .rules\n  - rules\n"
        );
    }

    fn strings_of(items: &[&str]) -> Yaml {
        Yaml::Seq(items.iter().map(|s| Yaml::str(*s)).collect())
    }

    #[test]
    fn nested_document() {
        let value = Yaml::map()
            .with("name", "CI")
            .with(
                "jobs",
                Yaml::map().with(
                    "build",
                    Yaml::map()
                        .with("runs-on", "ubuntu-latest")
                        .with("timeout-minutes", 10)
                        .with("continue-on-error", false)
                        .with("weight", 0.5)
                        .with("needs", Yaml::Null)
                        .with(
                            "steps",
                            vec![
                                Yaml::map().with("uses", "actions/checkout@v4"),
                                Yaml::map().with("run", "make").with("shell", "bash"),
                            ],
                        ),
                ),
            )
            .with("matrix", vec![Yaml::from(vec![Yaml::from(1), Yaml::from(2)])]);
        let expected = "\
name: CI
jobs:
  build:
    runs-on: ubuntu-latest
    timeout-minutes: 10
    continue-on-error: false
    weight: 0.5
    needs: null
    steps:
      - uses: actions/checkout@v4
      - run: make
        shell: bash
matrix:
  - - 1
    - 2
";
        assert_eq!(doc(&value), expected);
    }

    #[test]
    fn on_key_and_truthy_values_are_quoted() {
        let value = Yaml::map()
            .with("on", Yaml::map().with("push", Yaml::map()))
            .with("yes", "no")
            .with("y", "off")
            .with("enabled", true);
        let expected = "\
\"on\":
  push: {}
\"yes\": \"no\"
\"y\": \"off\"
enabled: true
";
        assert_eq!(doc(&value), expected);
    }

    #[test]
    fn yaml11_scalars_are_quoted() {
        let tokens = [
            "~",
            "null",
            "NULL",
            "true",
            "True",
            "0777",
            "0o17",
            "0x1F",
            "1_000",
            "1:30",
            "2024-01-01",
            ".inf",
            "-.Inf",
            ".NaN",
            "1e3",
            "+1",
            "",
            "a: b",
            "a #b",
            " x",
            "x ",
            "*x",
            "&x",
            "!x",
            "%x",
            "@x",
            "`x",
            "-",
            "- x",
            "?",
            "[x",
            "{x",
            "'x",
            "\"x",
            "<<",
            "---",
            "|",
            ">",
        ];
        for t in tokens {
            let out = doc(&Yaml::Seq(vec![Yaml::str(t)]));
            assert!(out.starts_with("- \"") || out.starts_with("- '"), "{t:?} rendered unquoted: {out:?}");
        }
    }

    #[test]
    fn plain_strings_stay_plain() {
        let value = Yaml::map()
            .with("run", "cargo test --all")
            .with("image", "rust:1.95")
            .with("url", "http://x/y#z")
            .with("flag", "-x")
            .with("csv", "a,b");
        let expected = "\
run: cargo test --all
image: rust:1.95
url: http://x/y#z
flag: -x
csv: a,b
";
        assert_eq!(doc(&value), expected);
    }

    /// serde-saphyr writes these values plain (`t: 0:30`): right for
    /// PyYAML and YAML 1.2, but Ruby's Psych, which GitLab uses, reads them
    /// as numbers or times. As keys serde-saphyr quotes them by itself.
    #[test]
    fn psych_numbers_and_times_are_quoted_as_values_and_keys() {
        let tokens = ["0:30", "00:30:00", "1,000", "1,", "1,000.5", "0x,F", "-2024-01-01 10:00:00"];
        for t in tokens {
            let value = Yaml::map().with(t, t).with("list", vec![Yaml::str(t)]);
            let expected = format!("\"{t}\": \"{t}\"\nlist:\n  - \"{t}\"\n");
            assert_eq!(doc(&value), expected);
        }
    }

    #[test]
    fn multi_line_scripts_use_literal_blocks() {
        let value = Yaml::map()
            .with("clip", "echo a\necho b\n")
            .with("strip", "echo a\necho b")
            .with("keep", "echo a\n\n")
            .with("indented", "  x\ny\n")
            .with("end", "z");
        let expected = "\
clip: |
  echo a
  echo b
strip: |-
  echo a
  echo b
keep: |+
  echo a

indented: |2
    x
  y
end: z
";
        assert_eq!(doc(&value), expected);
    }

    #[test]
    fn literal_blocks_in_sequences() {
        let value = Yaml::map().with("script", vec![Yaml::str("a\nb\n"), Yaml::map().with("run", "c\nd")]);
        let expected = "\
script:
  - |
    a
    b
  - run: |-
      c
      d
";
        assert_eq!(doc(&value), expected);
    }

    #[test]
    fn blocks_yamllint_would_reject_are_double_quoted() {
        let value = Yaml::map()
            .with("trailing-space", "a \nb")
            .with("trailing-tab", "a\t\nb")
            .with("blank-run", "a\n\n\n\nb")
            .with("last", "a\n\n");
        let expected = "\
trailing-space: \"a \\nb\"
trailing-tab: \"a\\t\\nb\"
blank-run: \"a\\n\\n\\n\\nb\"
last: \"a\\n\\n\"
";
        assert_eq!(doc(&value), expected);
    }

    /// serde-saphyr writes `|-\n  \tx\n  y`, which libyaml (Psych, so
    /// GitLab) rejects: a tab where it looks for the block's indentation.
    #[test]
    fn blocks_starting_with_a_tab_are_double_quoted() {
        let value = Yaml::map().with("a", "\tx\ny").with("b", "\n\tx\n").with("c", "x\n\ty");
        let expected = "a: \"\\tx\\ny\"\nb: \"\\n\\tx\\n\"\nc: |-\n  x\n  \ty\n";
        assert_eq!(doc(&value), expected);
    }

    /// Psych merges a quoted `"<<"` key whose value is a mapping or a
    /// sequence into the parent map; an explicit `!!str` tag prevents it.
    #[test]
    fn merge_key_with_collection_value_is_tagged() {
        let value = Yaml::map()
            .with("<<", Yaml::map().with("a", 1))
            .with("b", Yaml::map().with("<<", vec![Yaml::from(1)]))
            .with("c", Yaml::map().with("<<", "x"));
        let expected = "\
? !<tag:yaml.org,2002:str> \"<<\"
: a: 1
b:
  ? !<tag:yaml.org,2002:str> \"<<\"
  :
    - 1
c:
  \"<<\": x
";
        assert_eq!(doc(&value), expected);
    }

    #[test]
    fn control_characters_are_escaped() {
        let value = Yaml::Seq(vec![Yaml::str("a\rb\nc"), Yaml::str("\u{1}\u{7f}\u{85}\u{feff}")]);
        assert_eq!(doc(&value), "- \"a\\rb\\nc\"\n- \"\\x01\\x7F\\N\\uFEFF\"\n");
    }

    #[test]
    fn empty_collections() {
        let value = Yaml::map()
            .with("map", Yaml::map())
            .with("seq", Yaml::seq())
            .with("in-seq", vec![Yaml::map(), Yaml::seq()]);
        let expected = "map: {}\nseq: []\nin-seq:\n  - {}\n  - []\n";
        assert_eq!(doc(&value), expected);
        assert_eq!(doc(&Yaml::map()), "{}\n");
        assert_eq!(doc(&Yaml::seq()), "[]\n");
    }

    #[test]
    fn header_comment() {
        let value = Yaml::map().with("a", 1);
        let out = to_document(&value, "Generated by flowc\n\nDo not edit.  \n");
        assert_eq!(out, "# Generated by flowc\n#\n# Do not edit.\na: 1\n");
        let out = to_document(&value, "bad\u{2028}line\r\nnext");
        assert_eq!(out, "# bad\u{FFFD}line\n# next\na: 1\n");
    }

    #[test]
    fn floats_keep_yaml11_float_syntax() {
        let value = Yaml::Seq(vec![
            Yaml::Float(1.0),
            Yaml::Float(-0.0),
            Yaml::Float(1e20),
            Yaml::Float(4e-6),
            Yaml::Float(f64::MAX),
        ]);
        let expected = "- 1.0\n- -0.0\n- 1.0e+20\n- 4.0e-6\n- 1.7976931348623157e+308\n";
        assert_eq!(doc(&value), expected);
    }

    #[test]
    fn top_level_scalars_end_with_one_newline() {
        assert_eq!(doc(&Yaml::str("x")), "x\n");
        assert_eq!(doc(&Yaml::str("a\nb\n")), "|\n  a\n  b\n");
        assert_eq!(doc(&Yaml::str("a\n\n")), "\"a\\n\\n\"\n");
        assert_eq!(doc(&Yaml::Null), "null\n");
        assert_eq!(doc(&Yaml::Int(-3)), "-3\n");
    }

    #[test]
    fn long_keys_are_valid() {
        let key = "k".repeat(2000);
        let out = doc(&Yaml::map().with(key.as_str(), 1));
        assert!(out.starts_with("? "), "{out}");
    }

    #[test]
    fn builder_helpers() {
        let mut m = Yaml::map().with("a", 1).with("b", "x");
        m.insert("a", 2);
        assert_eq!(m.get("a"), Some(&Yaml::Int(2)));
        assert_eq!(doc(&m), "a: 2\nb: x\n");
        let mut s: Yaml = vec![Yaml::from(true)].into();
        s.push(None::<i64>);
        assert_eq!(s, Yaml::Seq(vec![Yaml::Bool(true), Yaml::Null]));
        let collected: Yaml = [("k", Yaml::Int(1))].into_iter().collect();
        assert_eq!(collected, Yaml::map().with("k", 1));
    }

    #[test]
    #[should_panic(expected = "duplicate YAML map key")]
    fn duplicate_keys_panic() {
        let value = Yaml::Map(vec![("a".into(), Yaml::Null), ("a".into(), Yaml::Null)]);
        let _ = doc(&value);
    }

    #[test]
    fn deterministic() {
        let value = Yaml::map().with("0:30", "a\nb").with("x", vec![Yaml::Float(0.1)]);
        assert_eq!(doc(&value), doc(&value.clone()));
    }
}
