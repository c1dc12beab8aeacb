//! The checked model: every name resolved, every expression typed, ready to emit.
//!
//! Produced by [`crate::check`], consumed by [`crate::emit`]. A model that exists has passed
//! every check except the per-target capability checks, which run on it before emitting.
//! Spans are kept where a later capability check may need to point at the source.

pub use crate::ast::Target;
use crate::source::{FileId, Span};

#[derive(Debug, Clone, Default)]
pub struct Model {
    pub roles: Vec<Role>,
    pub processes: Vec<Process>,
}

#[derive(Debug, Clone)]
pub struct Role {
    pub name: String,
    pub members: Vec<Member>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Member {
    User(String),
    Team(String),
}

#[derive(Debug, Clone)]
pub struct Process {
    pub name: String,
    pub file: FileId,
    pub span: Span,
    pub owner: String,
    pub manager: Option<String>,
    /// Policies the process follows, by name.
    pub policies: Vec<String>,
    pub triggers: Triggers,
    pub env: Vec<EnvVar>,
    pub secrets: Vec<String>,
    /// In source order.
    pub activities: Vec<Activity>,
    /// Position of each activity in `activities`, by name.
    pub index: std::collections::HashMap<String, usize>,
    pub github: Vec<TargetEntry>,
    pub gitlab: Vec<TargetEntry>,
}

impl Process {
    pub fn activity(&self, name: &str) -> Option<&Activity> {
        self.index.get(name).map(|&i| &self.activities[i])
    }

    /// Builds [`Process::index`] from `activities` (the first of duplicate names wins).
    pub fn index_activities(activities: &[Activity]) -> std::collections::HashMap<String, usize> {
        let mut index = std::collections::HashMap::new();
        for (i, a) in activities.iter().enumerate() {
            index.entry(a.name.clone()).or_insert(i);
        }
        index
    }

    pub fn inputs(&self) -> &[Input] {
        self.triggers.manual.as_deref().unwrap_or(&[])
    }
}

#[derive(Debug, Clone, Default)]
pub struct Triggers {
    pub push: Option<Push>,
    pub pull_request: Option<PullRequest>,
    pub schedules: Vec<Schedule>,
    /// `Some` when the process can be started by hand; the inputs it asks for.
    pub manual: Option<Vec<Input>>,
    /// `on any`: every pipeline the platform starts (GitLab only: no `workflow:` at all).
    pub any: Option<crate::source::Span>,
}

#[derive(Debug, Clone, Default)]
pub struct Push {
    pub branches: Vec<String>,
    pub tags: Vec<String>,
    pub paths: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct PullRequest {
    pub branches: Vec<String>,
    pub paths: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Schedule {
    pub cron: String,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Input {
    pub name: String,
    pub ty: InputType,
    pub default: Option<Data>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum InputType {
    String,
    Boolean,
    Number,
    Choice(Vec<String>),
}

/// An environment variable; its value is a literal or a context reference.
#[derive(Debug, Clone)]
pub struct EnvVar {
    pub name: String,
    pub value: Expr,
}

#[derive(Debug, Clone)]
pub struct Activity {
    pub name: String,
    pub span: Span,
    pub name_span: Span,
    /// The display name (`name "Build and test"`): GitHub's job `name:`; a GitLab job's name is its key.
    pub display_name: Option<String>,
    /// Direct predecessors: `after` plus those implied by artifacts and outputs, in source order.
    pub needs: Vec<String>,
    pub runner: Runner,
    pub image: Option<String>,
    pub steps: Vec<Step>,
    pub env: Vec<EnvVar>,
    pub secrets: Vec<String>,
    pub matrix: Option<Matrix>,
    pub condition: Option<Expr>,
    pub timeout_minutes: Option<u32>,
    pub retry: Option<(u32, Span)>,
    pub allow_failure: AllowFailure,
    pub services: Vec<Service>,
    pub environment: Option<Environment>,
    pub approval: Option<Approval>,
    /// The role whose members may start the activity.
    pub run_by: Option<Assignment>,
    /// Roles consulted before, and informed after, the activity (RACI).
    pub consulted: Vec<String>,
    pub informed: Vec<String>,
    pub produces: Vec<Artifact>,
    /// Consumed artifacts with the activity that produces each.
    pub consumes: Vec<(String, String)>,
    pub outputs: Vec<String>,
    pub github: Vec<TargetEntry>,
    pub gitlab: Vec<TargetEntry>,
}

impl Activity {
    /// The reusable workflow this activity calls on GitHub (`github { uses: ... }`), if any.
    pub fn github_call(&self) -> Option<&TargetEntry> {
        self.github.iter().find(|e| e.key == "uses")
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Runner {
    Linux,
    Macos,
    Windows,
    Label(String),
    /// Taken from a matrix axis whose values are runner names or labels.
    Matrix(String),
}

impl Activity {
    /// True when the activity's GitLab job takes its script from elsewhere: a template it
    /// `extends`, a `trigger` (a downstream pipeline runs instead), or the job of the same
    /// name in a file its process's block (`process_gitlab`) `include`s. Such an activity
    /// needs no step (it is then GitLab-only: GitHub reports that it has none).
    pub fn gitlab_script_elsewhere(&self, process_gitlab: &[TargetEntry]) -> bool {
        self.gitlab.iter().any(|e| e.key == "extends" || e.key == "trigger")
            || process_gitlab.iter().any(|e| e.key == "include")
    }
}

impl Runner {
    /// `linux`, `macos` and `windows` name the platforms' hosted runners; anything else is a label.
    pub fn named(name: &str) -> Runner {
        match name {
            "linux" => Runner::Linux,
            "macos" => Runner::Macos,
            "windows" => Runner::Windows,
            other => Runner::Label(other.to_string()),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Step {
    pub only: Option<Target>,
    pub kind: StepKind,
    /// The display name (`step ... { name "Test" }`): GitHub's `name:`; GitLab shows none.
    pub name: Option<String>,
    /// Keys written onto the GitHub step (`step ... { github { ... } }`).
    pub github: Vec<TargetEntry>,
    pub span: Span,
}

impl Step {
    pub fn applies_to(&self, target: Target) -> bool {
        self.only.is_none_or(|t| t == target)
    }
}

#[derive(Debug, Clone)]
pub enum StepKind {
    Checkout,
    Run(String),
    Uses { action: String, with: Vec<(String, Data)> },
}

#[derive(Debug, Clone)]
pub struct Matrix {
    pub axes: Vec<(String, Vec<Data>)>,
    pub include: Vec<Combo>,
    pub exclude: Vec<Combo>,
}

/// One assignment of values to axes.
pub type Combo = Vec<(String, Data)>;

impl Matrix {
    /// Every combination the matrix runs: the product of the axes, less those matching an
    /// `exclude`, plus each `include` not already present. Deterministic order.
    pub fn legs(&self) -> Vec<Combo> {
        let mut legs: Vec<Combo> = vec![Vec::new()];
        for (axis, values) in &self.axes {
            legs = legs
                .into_iter()
                .flat_map(|leg| values.iter().map(move |v| [leg.clone(), vec![(axis.clone(), v.clone())]].concat()))
                .collect();
        }
        legs.retain(|leg| !self.exclude.iter().any(|ex| matches(leg, ex)));
        for inc in &self.include {
            if !legs.iter().any(|leg| matches(leg, inc)) {
                legs.push(self.axes.iter().filter_map(|(a, _)| inc.iter().find(|(k, _)| k == a).cloned()).collect());
            }
        }
        legs
    }
}

fn matches(leg: &Combo, pattern: &Combo) -> bool {
    pattern.iter().all(|(k, v)| leg.iter().any(|(lk, lv)| lk == k && lv == v))
}

#[derive(Debug, Clone)]
pub enum AllowFailure {
    No,
    Yes,
    /// Only for matrix legs where the condition holds.
    When(Expr),
}

#[derive(Debug, Clone)]
pub struct Service {
    pub name: String,
    pub image: String,
    pub env: Vec<EnvVar>,
}

#[derive(Debug, Clone)]
pub struct Environment {
    pub name: String,
    pub url: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Approval {
    pub role: String,
    /// How many members must approve (`approved_by 2 of releasers`); 1 by default.
    pub quorum: u32,
    pub span: Span,
}

/// A role named by an activity statement, with where it was named.
#[derive(Debug, Clone)]
pub struct Assignment {
    pub role: String,
    pub span: Span,
}

impl Model {
    /// The role `name` as `process` sees it: roles belong to the file that declares them.
    pub fn role(&self, process: &Process, name: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.name == name && r.span.file == process.file)
    }
}

impl Role {
    /// The logins of the role's users (teams excluded).
    pub fn users(&self) -> Vec<&str> {
        self.members.iter().filter_map(|m| if let Member::User(u) = m { Some(u.as_str()) } else { None }).collect()
    }

    pub fn teams(&self) -> Vec<&str> {
        self.members.iter().filter_map(|m| if let Member::Team(t) = m { Some(t.as_str()) } else { None }).collect()
    }
}

impl Member {
    /// `@login` or `@org/team`, as CODEOWNERS and mentions write it.
    pub fn handle(&self) -> String {
        match self {
            Member::User(name) | Member::Team(name) => format!("@{name}"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Artifact {
    pub name: String,
    pub paths: Vec<String>,
}

/// A key of a `github { }` or `gitlab { }` block with its value.
#[derive(Debug, Clone)]
pub struct TargetEntry {
    pub key: String,
    pub value: Data,
    pub span: Span,
}

/// Plain data, as written in target blocks, matrix values and input defaults.
#[derive(Debug, Clone, PartialEq)]
pub enum Data {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<Data>),
    Map(Vec<(String, Data)>),
}

impl Data {
    /// The text a shell or CI variable would see.
    pub fn to_text(&self) -> String {
        match self {
            Data::Null => String::new(),
            Data::Bool(b) => b.to_string(),
            Data::Int(i) => i.to_string(),
            Data::Float(f) => f.to_string(),
            Data::Str(s) => s.clone(),
            Data::List(_) | Data::Map(_) => String::new(),
        }
    }
}

/// A typed expression.
#[derive(Debug, Clone)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum ExprKind {
    Str(String),
    Num(f64),
    Bool(bool),
    List(Vec<Expr>),
    Event(Event),
    Context(Context),
    Not(Box<Expr>),
    Eq(Box<Expr>, Box<Expr>),
    Ne(Box<Expr>, Box<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
    StartsWith(Box<Expr>, Box<Expr>),
    Contains(Box<Expr>, Box<Expr>),
    Status(Status),
}

/// A value known only when the pipeline runs.
#[derive(Debug, Clone, PartialEq)]
pub enum Context {
    Branch,
    Tag,
    Event,
    Actor,
    Matrix(String),
    Input(String, InputType),
    Output {
        activity: String,
        name: String,
    },
    /// A property of the activity or process a policy is checked against (policies only).
    Property(Property),
}

/// What a policy can read about an activity and its process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Property {
    ActivityName,
    Environment,
    ApprovedBy,
    Quorum,
    RunBy,
    Timeout,
    Secrets,
    After,
    OnPullRequest,
    ProcessName,
    Owner,
    Manager,
}

impl Property {
    pub const ALL: [Property; 12] = [
        Property::ActivityName,
        Property::Environment,
        Property::ApprovedBy,
        Property::Quorum,
        Property::RunBy,
        Property::Timeout,
        Property::Secrets,
        Property::After,
        Property::OnPullRequest,
        Property::ProcessName,
        Property::Owner,
        Property::Manager,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Property::ActivityName => "activity.name",
            Property::Environment => "activity.environment",
            Property::ApprovedBy => "activity.approved_by",
            Property::Quorum => "activity.quorum",
            Property::RunBy => "activity.run_by",
            Property::Timeout => "activity.timeout",
            Property::Secrets => "activity.secrets",
            Property::After => "activity.after",
            Property::OnPullRequest => "activity.on_pull_request",
            Property::ProcessName => "process.name",
            Property::Owner => "process.owner",
            Property::Manager => "process.manager",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    Push,
    PullRequest,
    Schedule,
    Manual,
}

impl Event {
    pub const ALL: [(&'static str, Event); 4] = [
        ("push", Event::Push),
        ("pull_request", Event::PullRequest),
        ("schedule", Event::Schedule),
        ("manual", Event::Manual),
    ];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Success,
    Failure,
    Always,
}

impl Expr {
    /// True when `f` holds for this expression or any expression inside it.
    pub fn any(&self, f: &impl Fn(&Expr) -> bool) -> bool {
        if f(self) {
            return true;
        }
        match &self.kind {
            ExprKind::List(items) | ExprKind::And(items) | ExprKind::Or(items) => items.iter().any(|i| i.any(f)),
            ExprKind::Not(a) => a.any(f),
            ExprKind::Eq(a, b) | ExprKind::Ne(a, b) | ExprKind::StartsWith(a, b) | ExprKind::Contains(a, b) => {
                a.any(f) || b.any(f)
            }
            _ => false,
        }
    }

    pub fn has_status(&self) -> bool {
        self.any(&|e| matches!(e.kind, ExprKind::Status(_)))
    }

    pub fn reads_matrix(&self) -> bool {
        self.any(&|e| matches!(e.kind, ExprKind::Context(Context::Matrix(_))))
    }
}

/// Writes an expression in flowc's own syntax (fully parenthesised where it nests).
impl std::fmt::Display for Expr {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        let join = |f: &mut std::fmt::Formatter, items: &[Expr], sep: &str| -> std::fmt::Result {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    f.write_str(sep)?;
                }
                match item.kind {
                    ExprKind::And(_) | ExprKind::Or(_) => write!(f, "({item})")?,
                    _ => write!(f, "{item}")?,
                }
            }
            Ok(())
        };
        match &self.kind {
            ExprKind::Str(s) => write!(f, "{s:?}"),
            ExprKind::Num(n) => write!(f, "{}", Data::Float(*n).to_text()),
            ExprKind::Bool(b) => write!(f, "{b}"),
            ExprKind::List(items) => {
                f.write_str("[")?;
                join(f, items, ", ")?;
                f.write_str("]")
            }
            ExprKind::Event(e) => f.write_str(Event::ALL.iter().find(|(_, ev)| ev == e).map_or("?", |(n, _)| n)),
            ExprKind::Context(c) => match c {
                Context::Branch => f.write_str("branch"),
                Context::Tag => f.write_str("tag"),
                Context::Event => f.write_str("event"),
                Context::Actor => f.write_str("actor"),
                Context::Matrix(axis) => write!(f, "matrix.{axis}"),
                Context::Input(name, _) => write!(f, "inputs.{name}"),
                Context::Output { activity, name } => write!(f, "outputs.{activity}.{name}"),
                Context::Property(p) => f.write_str(p.name()),
            },
            ExprKind::Not(inner) => write!(f, "!({inner})"),
            ExprKind::Eq(a, b) => write!(f, "{a} == {b}"),
            ExprKind::Ne(a, b) => write!(f, "{a} != {b}"),
            ExprKind::And(items) => join(f, items, " && "),
            ExprKind::Or(items) => join(f, items, " || "),
            ExprKind::StartsWith(a, b) => write!(f, "startsWith({a}, {b})"),
            ExprKind::Contains(a, b) => write!(f, "contains({a}, {b})"),
            ExprKind::Status(s) => f.write_str(match s {
                Status::Success => "success()",
                Status::Failure => "failure()",
                Status::Always => "always()",
            }),
        }
    }
}
