//! The syntax tree: what the user wrote, with spans, before any name is resolved.
//!
//! Produced by [`crate::syntax::parse`], consumed by [`crate::check`]. Strings are already
//! unescaped; nothing here refers to pest.

use crate::source::Span;

/// A name as written, with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A string literal, unescaped, with the span of the whole literal.
#[derive(Debug, Clone, PartialEq)]
pub struct Str {
    pub value: String,
    pub span: Span,
}

/// One parsed `.flow` file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct File {
    pub imports: Vec<Import>,
    pub templates: Vec<Template>,
    pub roles: Vec<RoleDecl>,
    pub policies: Vec<Policy>,
    pub processes: Vec<Process>,
}

/// `import "path" as alias`
#[derive(Debug, Clone, PartialEq)]
pub struct Import {
    pub path: Str,
    pub alias: Ident,
    pub span: Span,
}

/// `export template NAME(params) { activity statements }`, or a group template whose body
/// is whole activities (`{ activity a { ... } activity b after a { ... } }`).
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub name: Ident,
    pub exported: bool,
    pub params: Vec<Param>,
    pub stmts: Vec<ActivityStmt>,
    pub activities: Vec<Activity>,
    pub span: Span,
}

/// `use alias.name(args) as prefix` in a process: the activities of a group template.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupUse {
    pub call: TemplateCall,
    /// Prepended to the group's activity (and artifact) names as `PREFIX-NAME`.
    pub prefix: Option<Ident>,
    /// How many of the process's own activities come before it: where its activities go.
    pub at: usize,
    pub span: Span,
}

/// `name: type = default`
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: Ident,
    pub ty: ParamType,
    pub default: Option<Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    String,
    Boolean,
    Number,
}

/// `alias.name(arg: value, ...)` after `from`.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateCall {
    pub path: Vec<Ident>,
    pub args: Vec<(Ident, Value)>,
    pub span: Span,
}

/// `policy NAME { for ... require ... message "..." }`
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub name: Ident,
    /// Which activities the rule applies to; all when empty.
    pub applies: Vec<Expr>,
    pub require: Vec<Expr>,
    pub message: Vec<Str>,
    pub span: Span,
}

/// `releasers = [user "bob", user "carol"]`
#[derive(Debug, Clone, PartialEq)]
pub struct RoleDecl {
    pub name: Ident,
    pub members: Vec<Member>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberKind {
    User,
    Team,
}

/// `user "alice"` or `team "org/platform"`
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub kind: MemberKind,
    pub name: Str,
}

/// `process NAME { ... }`
#[derive(Debug, Clone, PartialEq)]
pub struct Process {
    pub name: Ident,
    pub owner: Vec<Ident>,
    pub manager: Vec<Ident>,
    pub policies: Vec<Ident>,
    pub secrets: Vec<Ident>,
    pub triggers: Vec<Trigger>,
    pub env: Vec<EnvEntry>,
    pub activities: Vec<Activity>,
    /// `use` statements: group templates whose activities join the process.
    pub uses: Vec<GroupUse>,
    pub targets: Vec<TargetBlock>,
    pub span: Span,
}

/// `push(branches: ["main"])`
#[derive(Debug, Clone, PartialEq)]
pub struct Trigger {
    pub kind: Ident,
    pub args: Vec<TriggerArg>,
    pub span: Span,
}

/// `name: value` or `name: type = default`
#[derive(Debug, Clone, PartialEq)]
pub struct TriggerArg {
    pub name: Ident,
    pub value: ArgValue,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ArgValue {
    Value(Value),
    Input { ty: InputType, default: Option<Value> },
}

/// The type of a manual input.
#[derive(Debug, Clone, PartialEq)]
pub enum InputType {
    String,
    Boolean,
    Number,
    Choice(Vec<Str>),
}

/// `KEY = expr` inside `env { }`.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvEntry {
    pub name: Ident,
    pub value: Expr,
}

/// `activity NAME after A, B { ... }`
#[derive(Debug, Clone, PartialEq)]
pub struct Activity {
    pub name: Ident,
    /// Templates the activity starts from, in order.
    pub from: Vec<TemplateCall>,
    pub after: Vec<Ident>,
    pub stmts: Vec<ActivityStmt>,
    pub span: Span,
}

/// One statement inside an activity, in source order (`Name`: `name "Build and test"`, the
/// display name GitHub shows for the job).
#[derive(Debug, Clone, PartialEq)]
pub enum ActivityStmt {
    Name(Str),
    RunsOn(RunsOn),
    Image(Str),
    Step(Step),
    Env(Vec<EnvEntry>),
    Secrets(Vec<Ident>),
    Matrix(Matrix),
    When(Expr),
    Timeout { minutes: u32, span: Span },
    Retry { count: u32, span: Span },
    AllowFailure { when: Option<Expr>, span: Span },
    Service(Service),
    Environment { name: Str, url: Option<Str>, span: Span },
    ApprovedBy { role: Ident, quorum: Option<(u32, Span)> },
    RunBy(Ident),
    Consulted(Vec<Ident>),
    Informed(Vec<Ident>),
    Produces { name: Ident, paths: Vec<Str>, span: Span },
    Consumes(Vec<Ident>),
    Outputs(Vec<Ident>),
    Target(TargetBlock),
}

/// What `runs_on` names.
#[derive(Debug, Clone, PartialEq)]
pub enum RunsOn {
    /// A quoted runner label, passed through.
    Label(Str),
    /// `linux`, `macos`, `windows` or `matrix.axis`.
    Path(Vec<Ident>, Span),
}

/// Which targets a step is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    Github,
    Gitlab,
}

impl Target {
    pub const ALL: [Target; 2] = [Target::Github, Target::Gitlab];

    pub fn name(self) -> &'static str {
        match self {
            Target::Github => "github",
            Target::Gitlab => "gitlab",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub only: Option<Target>,
    pub kind: StepKind,
    /// `name "Test"` in the step's settings block, each one written (a second is E0201).
    pub names: Vec<Str>,
    /// The step's target settings: `step "..." { github { id: test } }`.
    pub targets: Vec<TargetBlock>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StepKind {
    Checkout,
    Run(Str),
    Uses { action: Str, with: Vec<(Str, Value)> },
}

/// `matrix { ... }`
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    pub axes: Vec<(Ident, Vec<Value>)>,
    pub include: Vec<Combo>,
    pub exclude: Vec<Combo>,
    pub span: Span,
}

/// `{ os = linux, toolchain = "beta" }`
#[derive(Debug, Clone, PartialEq)]
pub struct Combo {
    pub pairs: Vec<(Ident, Value)>,
    pub span: Span,
}

/// `service NAME "image" { env { ... } }`
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    pub name: Ident,
    pub image: Str,
    pub env: Vec<EnvEntry>,
    pub span: Span,
}

/// `github { ... }` or `gitlab { ... }`
#[derive(Debug, Clone, PartialEq)]
pub struct TargetBlock {
    pub target: Target,
    pub entries: Vec<(Str, Value)>,
    pub span: Span,
}

/// Literal data: trigger arguments, matrix values, target blocks.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub kind: ValueKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ValueKind {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<Value>),
    Map(Vec<(Str, Value)>),
}

/// An expression: a condition or an environment value.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Literal(ValueKind),
    List(Vec<Expr>),
    /// `branch`, `matrix.os`, `outputs.build.version`
    Path(Vec<Ident>),
    Call(Ident, Vec<Expr>),
    Not(Box<Expr>),
    Compare(CompareOp, Box<Expr>, Box<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Ne,
}
