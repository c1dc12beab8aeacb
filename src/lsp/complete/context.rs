//! Where the cursor is, read from the tokens before it: the enclosing blocks (with the names
//! of the enclosing process and activity) and what kind of word is expected next.

use super::scan::{tokens, Token};
use crate::lsp::index::Kind;

/// A `{ }` block, by the construct that opened it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Block {
    /// The file itself, outside any block.
    Top,
    Roles,
    /// `policy NAME { for ... require ... message "..." }`
    Policy,
    Process,
    Activity,
    Env,
    Matrix,
    /// `include { }` / `exclude { }` of a matrix.
    Combo,
    Service,
    /// A `github { }` / `gitlab { }` block or `with { }`: free-form data.
    Data,
}

/// What may be written at the cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Slot {
    /// The statement keywords of a block.
    Keywords(Block),
    /// A declared name of this kind.
    Names(Kind),
    /// After `inputs.`, `matrix.`, `outputs.` or `outputs.ACTIVITY.`: the path before the dot.
    Member(Vec<String>),
    /// Contexts, events, functions.
    Expression,
    Triggers,
    /// The arguments of one trigger.
    TriggerArgs(String),
    InputTypes,
    Runners,
    Steps,
    /// `user` / `team`
    Members,
    /// One keyword that must come next.
    Word(&'static str),
    /// A new name, a literal, or something completion cannot help with.
    Nothing,
}

/// Where the cursor is.
#[derive(Debug, Clone, PartialEq)]
pub struct Cursor {
    pub process: Option<String>,
    pub activity: Option<String>,
    pub block: Block,
    pub slot: Slot,
}

#[derive(Debug, Clone, PartialEq)]
enum Frame {
    Brace(Block),
    /// `(`, after the word before it (a trigger or a function), if any.
    Paren(String),
    Bracket,
}

const TRIGGERS: [&str; 4] = ["push", "pull_request", "schedule", "manual"];

/// Reads the text before the cursor; `None` inside a string or a comment.
pub fn at(before: &str) -> Option<Cursor> {
    let (mut tokens, typing) = tokens(before)?;
    if typing {
        tokens.pop();
    }
    let mut nesting = Nesting::default();
    let mut start = 0;
    for (i, token) in tokens.iter().enumerate() {
        match token {
            Token::Punct("{") => nesting.open(&tokens[start..i]),
            Token::Punct("}") => nesting.close(),
            Token::Punct("(") => {
                nesting.frames.push(Frame::Paren(word_before(&tokens[..i]).unwrap_or_default().into()))
            }
            Token::Punct("[") => nesting.frames.push(Frame::Bracket),
            Token::Punct(")") if matches!(nesting.frames.last(), Some(Frame::Paren(_))) => drop(nesting.frames.pop()),
            Token::Punct("]") if nesting.frames.last() == Some(&Frame::Bracket) => drop(nesting.frames.pop()),
            _ => continue,
        }
        if matches!(token, Token::Punct("{" | "}")) {
            start = i + 1;
        }
    }
    let block = innermost_block(&nesting.frames);
    let slot = slot(&nesting.frames, block, &tokens);
    Some(Cursor { process: nesting.process, activity: nesting.activity, block, slot })
}

/// The open brackets so far, and the names of the process and activity they are in.
#[derive(Default)]
struct Nesting {
    frames: Vec<Frame>,
    process: Option<String>,
    activity: Option<String>,
}

impl Nesting {
    /// A `{` ending the statement `stmt`.
    fn open(&mut self, stmt: &[Token]) {
        let (block, name) = opener(stmt, innermost_block(&self.frames));
        match block {
            Block::Process => (self.process, self.activity) = (name, None),
            Block::Activity => self.activity = name,
            _ => {}
        }
        self.frames.push(Frame::Brace(block));
    }

    /// A `}`: closes the innermost brace block and whatever is still open inside it.
    fn close(&mut self) {
        while let Some(frame) = self.frames.pop() {
            if let Frame::Brace(block) = frame {
                match block {
                    Block::Process => (self.process, self.activity) = (None, None),
                    Block::Activity => self.activity = None,
                    _ => {}
                }
                return;
            }
        }
    }
}

fn innermost_block(frames: &[Frame]) -> Block {
    frames
        .iter()
        .rev()
        .find_map(|f| match f {
            Frame::Brace(b) => Some(*b),
            _ => None,
        })
        .unwrap_or(Block::Top)
}

fn word_before<'a>(tokens: &[Token<'a>]) -> Option<&'a str> {
    match tokens.last() {
        Some(Token::Word(w)) => Some(w),
        _ => None,
    }
}

/// The block a `{` opens, from the tokens of its statement, and the name it declares.
fn opener(stmt: &[Token], enclosing: Block) -> (Block, Option<String>) {
    if matches!(enclosing, Block::Data | Block::Combo) {
        return (Block::Data, None);
    }
    let word = |i: usize| match stmt.get(i) {
        Some(Token::Word(w)) => Some(*w),
        _ => None,
    };
    for i in (0..stmt.len()).rev() {
        // A keyword right after `activity`, `process`, `service` or `policy` is that thing's name.
        if i > 0 && matches!(word(i - 1), Some("activity" | "process" | "service" | "policy")) {
            continue;
        }
        let name = word(i + 1).map(str::to_string);
        let block = match word(i) {
            Some("roles") => Block::Roles,
            Some("policy") => Block::Policy,
            Some("process") => return (Block::Process, name),
            Some("activity") => return (Block::Activity, name),
            Some("env") => Block::Env,
            Some("matrix") => Block::Matrix,
            Some("include" | "exclude") => Block::Combo,
            Some("service") => Block::Service,
            Some("github" | "gitlab" | "with") => Block::Data,
            _ => continue,
        };
        return (block, None);
    }
    (Block::Data, None)
}

/// What is expected after `tokens` in `block`, inside `frames`.
fn slot(frames: &[Frame], block: Block, tokens: &[Token]) -> Slot {
    if tokens.last() == Some(&Token::Punct(".")) {
        return member(tokens);
    }
    match frames.last() {
        Some(Frame::Paren(name)) => paren(name, tokens.last()),
        Some(Frame::Bracket) if block == Block::Roles => Slot::Members,
        Some(Frame::Bracket) => Slot::Nothing,
        _ => statement(block, tokens),
    }
}

/// After a dot: the words of the dotted path before it.
fn member(tokens: &[Token]) -> Slot {
    let mut path = Vec::new();
    let mut rest = &tokens[..tokens.len() - 1];
    while let [before @ .., Token::Word(w)] = rest {
        path.insert(0, w.to_string());
        match before {
            [earlier @ .., Token::Punct(".")] => rest = earlier,
            _ => break,
        }
    }
    if path.is_empty() {
        Slot::Nothing
    } else {
        Slot::Member(path)
    }
}

/// Inside parentheses: trigger arguments, or an expression.
fn paren(name: &str, last: Option<&Token>) -> Slot {
    let after_open = matches!(last, Some(Token::Punct("(" | ",")));
    match (name, last) {
        ("manual", Some(Token::Punct(":"))) => Slot::InputTypes,
        (trigger, _) if TRIGGERS.contains(&trigger) => {
            if after_open && trigger != "manual" {
                Slot::TriggerArgs(trigger.to_string())
            } else {
                Slot::Nothing
            }
        }
        _ if after_open || is_operator(last) => Slot::Expression,
        _ => Slot::Nothing,
    }
}

fn is_operator(token: Option<&Token>) -> bool {
    matches!(token, Some(Token::Punct("==" | "!=" | "&&" | "||" | "!" | "(")))
}

/// In a block, after the statement so far.
fn statement(block: Block, tokens: &[Token]) -> Slot {
    let last = tokens.last();
    if is_operator(last) {
        return Slot::Expression;
    }
    match last {
        Some(Token::Word(w)) => {
            if let Some(slot) = after_keyword(block, w) {
                return slot;
            }
            if let [.., Token::Word("activity"), Token::Word(_)] = tokens {
                return Slot::Word("after");
            }
        }
        Some(Token::Punct(",")) => return list_item(tokens),
        Some(Token::Punct("=")) => {
            return match block {
                Block::Env => Slot::Expression,
                Block::Roles => Slot::Members,
                _ => Slot::Nothing,
            }
        }
        Some(Token::Punct(":")) => return Slot::Nothing,
        _ => {}
    }
    match block {
        Block::Env | Block::Roles | Block::Combo | Block::Data => Slot::Nothing,
        _ => Slot::Keywords(block),
    }
}

/// The slot right after a keyword, if `word` is one that expects something particular.
fn after_keyword(block: Block, word: &str) -> Option<Slot> {
    Some(match word {
        "after" => Slot::Names(Kind::Activity),
        "owner" | "manager" | "approved_by" | "of" | "run_by" | "consulted" | "informed" => Slot::Names(Kind::Role),
        "policies" => Slot::Names(Kind::Policy),
        "for" | "require" if block == Block::Policy => Slot::Expression,
        "consumes" => Slot::Names(Kind::Artifact),
        "secret" => Slot::Names(Kind::Secret),
        "when" => Slot::Expression,
        "runs_on" => Slot::Runners,
        "step" => Slot::Steps,
        "produces" => Slot::Word("artifact"),
        "allow_failure" => Slot::Word("when"),
        "on" if block == Block::Process => Slot::Triggers,
        "github" | "gitlab" if block == Block::Activity => Slot::Word("step"),
        "process" | "activity" | "service" | "secrets" | "output" | "environment" | "artifact" | "roles" | "image"
        | "timeout" | "retry" | "url" | "uses" | "with" | "matrix" | "env" | "include" | "exclude" | "github"
        | "gitlab" | "user" | "team" | "policy" | "message" => Slot::Nothing,
        _ => return None,
    })
}

/// After a comma: the next item of the list the statement's keyword started.
fn list_item(tokens: &[Token]) -> Slot {
    let mut i = tokens.len();
    // Walk back over `item ,` pairs, skipping a trigger's `( ... )`.
    while i > 0 && tokens[i - 1] == Token::Punct(",") {
        i -= 1;
        if i > 0 && tokens[i - 1] == Token::Punct(")") {
            let mut depth = 0;
            while i > 0 {
                i -= 1;
                match tokens[i] {
                    Token::Punct(")") => depth += 1,
                    Token::Punct("(") if depth == 1 => break,
                    Token::Punct("(") => depth -= 1,
                    _ => {}
                }
            }
        }
        if i > 0 && matches!(tokens[i - 1], Token::Word(_)) {
            i -= 1;
        }
    }
    match tokens[..i].last() {
        Some(Token::Word("after")) => Slot::Names(Kind::Activity),
        Some(Token::Word("consumes")) => Slot::Names(Kind::Artifact),
        Some(Token::Word("secret")) => Slot::Names(Kind::Secret),
        Some(Token::Word("consulted" | "informed")) => Slot::Names(Kind::Role),
        Some(Token::Word("policies")) => Slot::Names(Kind::Policy),
        Some(Token::Word("on")) => Slot::Triggers,
        _ => Slot::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot_of(text: &str) -> Slot {
        at(text).unwrap().slot
    }

    const HEAD: &str = "roles { ops = team \"x\" }\nprocess delivery {\n  owner ops\n  on push(branches: [\"main\"]), manual(level: string)\n  activity build { step \"make\" }\n  activity deploy after build {\n";

    #[test]
    fn blocks_and_names_of_the_enclosing_process_and_activity() {
        let cursor = at(&format!("{HEAD}    ")).unwrap();
        assert_eq!(cursor.process.as_deref(), Some("delivery"));
        assert_eq!(cursor.activity.as_deref(), Some("deploy"));
        assert_eq!(cursor.slot, Slot::Keywords(Block::Activity));
        let cursor = at(&format!("{HEAD}  }}\n  act")).unwrap();
        assert_eq!((cursor.activity, cursor.slot), (None, Slot::Keywords(Block::Process)));
        assert_eq!(slot_of("pro"), Slot::Keywords(Block::Top));
        assert_eq!(slot_of("process env { activity env { env { A = "), Slot::Expression);
    }

    #[test]
    fn names_after_their_keywords() {
        assert_eq!(slot_of(&format!("{HEAD}    approved_by ")), Slot::Names(Kind::Role));
        assert_eq!(slot_of(&format!("{HEAD}    consumes a, b")), Slot::Names(Kind::Artifact));
        assert_eq!(slot_of("process p { activity a after b, "), Slot::Names(Kind::Activity));
        assert_eq!(slot_of("process p { on push(branches: [\"a\"]), "), Slot::Triggers);
        assert_eq!(slot_of("process p { on push("), Slot::TriggerArgs("push".into()));
        assert_eq!(slot_of("process p { on manual(a: "), Slot::InputTypes);
        assert_eq!(slot_of("process p { activity a "), Slot::Word("after"));
        assert_eq!(slot_of("process p { activity a { approved_by 2 of "), Slot::Names(Kind::Role));
        assert_eq!(slot_of("process p { activity a { informed a, "), Slot::Names(Kind::Role));
        assert_eq!(slot_of("process p { policies timeouts, "), Slot::Names(Kind::Policy));
        assert_eq!(slot_of("policy process { "), Slot::Keywords(Block::Policy));
        assert_eq!(slot_of("policy p { for activity."), Slot::Member(vec!["activity".into()]));
        assert_eq!(slot_of("policy p { require "), Slot::Expression);
    }

    #[test]
    fn expressions_and_members() {
        assert_eq!(slot_of(&format!("{HEAD}    when br")), Slot::Expression);
        assert_eq!(slot_of(&format!("{HEAD}    when branch == \"x\" && !")), Slot::Expression);
        assert_eq!(slot_of(&format!("{HEAD}    when startsWith(")), Slot::Expression);
        assert_eq!(slot_of(&format!("{HEAD}    when inputs.")), Slot::Member(vec!["inputs".into()]));
        assert_eq!(
            slot_of(&format!("{HEAD}    env {{ V = outputs.build.ve")),
            Slot::Member(vec!["outputs".into(), "build".into()])
        );
        assert_eq!(slot_of(&format!("{HEAD}    when branch == \"main\"\n    ")), Slot::Keywords(Block::Activity));
    }

    #[test]
    fn nothing_inside_data_strings_and_comments() {
        assert_eq!(slot_of("process p { github { concurrency: { group: "), Slot::Nothing);
        assert_eq!(at("process p { step \"ab"), None);
        assert_eq!(at("process p { // ab"), None);
    }
}
