//! The symbol index of one parsed file: every name that declares or refers to something.
//!
//! Built from the syntax tree ([`crate::ast::File`]) by [`walk`], never from text. Each
//! [`Occurrence`] carries a [`Key`] saying what it names in which scope — roles and policies
//! belong to their file; activities, artifacts, inputs and secrets to their process; outputs
//! and matrix axes to one activity of a process — so definition and references are lookups by
//! key. Templates, module aliases and template parameters belong to the file, and a name used
//! through a module alias (`rust.test(toolchain: ...)`) carries the alias: its declaration is in
//! that module (see [`Key::module`]). Contexts, events, functions and policy properties are
//! indexed too (for hover) but have no definition.

mod walk;

use crate::ast;
use crate::source::Span;

/// What a name names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Process,
    Activity,
    Role,
    /// `policy NAME { ... }`, or a standard policy, named by `policies`.
    Policy,
    Artifact,
    Input,
    Secret,
    /// `output NAME` of an activity, read as `outputs.ACTIVITY.NAME`.
    Output,
    /// A matrix axis, read as `matrix.AXIS`.
    Axis,
    /// `branch`, `tag`, `event`, `actor`.
    Context,
    /// `push`, `pull_request`, `schedule`, `manual` in an expression.
    Event,
    /// `startsWith`, `contains`, `success`, ...
    Function,
    /// `activity.environment`, `process.owner`, ... in a policy.
    Property,
    /// `template NAME(...)`, named by `from`.
    Template,
    /// The alias of an `import`, used as `ALIAS.TEMPLATE` in `from`.
    Module,
    /// A template's parameter, named by the arguments of a call.
    Parameter,
}

impl Kind {
    /// The word used for this kind in messages and hovers.
    pub fn word(self) -> &'static str {
        match self {
            Kind::Process => "process",
            Kind::Activity => "activity",
            Kind::Role => "role",
            Kind::Policy => "policy",
            Kind::Artifact => "artifact",
            Kind::Input => "input",
            Kind::Secret => "secret",
            Kind::Output => "output",
            Kind::Axis => "matrix axis",
            Kind::Context => "context",
            Kind::Event => "event",
            Kind::Function => "function",
            Kind::Property => "policy property",
            Kind::Template => "template",
            Kind::Module => "module",
            Kind::Parameter => "parameter",
        }
    }

    /// Kinds declared somewhere in the file (the others are built into the language).
    pub fn is_declared(self) -> bool {
        !matches!(self, Kind::Context | Kind::Event | Kind::Function | Kind::Property)
    }
}

/// What an occurrence names: the same key means the same thing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub kind: Kind,
    pub name: String,
    /// The process it belongs to; `None` for roles and processes.
    pub process: Option<String>,
    /// The activity it belongs to, for outputs and matrix axes; the template, for parameters.
    pub activity: Option<String>,
    /// For templates and parameters used as `ALIAS.TEMPLATE`: the alias of the module that
    /// declares them (`None`: this file).
    pub module: Option<String>,
}

/// One name in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Occurrence {
    pub key: Key,
    pub span: Span,
    /// True where the name is declared, false where it is used.
    pub definition: bool,
}

/// Every occurrence of a name in one file, in source order of the walk.
#[derive(Debug, Clone, Default)]
pub struct Index {
    pub occurrences: Vec<Occurrence>,
}

impl Index {
    /// Indexes a parsed file.
    pub fn build(file: &ast::File) -> Index {
        Index { occurrences: walk::file(file) }
    }

    /// The occurrence under a byte offset; a cursor just after a name still counts as on it.
    pub fn at(&self, offset: usize) -> Option<&Occurrence> {
        let inside = |o: &&Occurrence| (o.span.start as usize) <= offset && offset < o.span.end as usize;
        let touching = |o: &&Occurrence| o.span.end as usize == offset;
        self.occurrences.iter().find(inside).or_else(|| self.occurrences.iter().find(touching))
    }

    /// Where `key` is declared (more than one place when it is declared twice).
    pub fn definitions<'a>(&'a self, key: &'a Key) -> impl Iterator<Item = &'a Occurrence> {
        self.occurrences.iter().filter(move |o| o.definition && o.key == *key)
    }

    /// Every occurrence of `key`, declarations included.
    pub fn references<'a>(&'a self, key: &'a Key) -> impl Iterator<Item = &'a Occurrence> {
        self.occurrences.iter().filter(move |o| o.key == *key)
    }

    /// Names declared with `kind` in a scope, each once, in order.
    pub fn names(&self, kind: Kind, process: Option<&str>, activity: Option<&str>) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for o in &self.occurrences {
            let k = &o.key;
            let in_scope = k.process.as_deref() == process && (activity.is_none() || k.activity.as_deref() == activity);
            if o.definition && k.kind == kind && in_scope && !names.contains(&k.name.as_str()) {
                names.push(&k.name);
            }
        }
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    const TEXT: &str = r#"
roles { ops = team "o/p" }
policy prod { for activity.environment == "production" require activity.approved_by != "" }
process p {
  owner ops
  policies prod, timeouts
  on manual(level: string = "x")
  secrets TOKEN
  activity build { output version produces artifact app = "dist/" matrix { os = [linux] } runs_on matrix.os }
  activity deploy after build {
    consumes app
    secret TOKEN
    approved_by ops
    when inputs.level == "x" && startsWith(branch, "v") && event == push
    env { V = outputs.build.version }
  }
}
"#;

    fn index() -> Index {
        let (file, errors) = crate::syntax::parse(FileId(0), TEXT);
        assert!(errors.is_empty(), "{errors:?}");
        Index::build(&file)
    }

    fn count(index: &Index, kind: Kind, name: &str) -> (usize, usize) {
        let all: Vec<_> = index.occurrences.iter().filter(|o| o.key.kind == kind && o.key.name == name).collect();
        (all.iter().filter(|o| o.definition).count(), all.iter().filter(|o| !o.definition).count())
    }

    #[test]
    fn every_kind_is_indexed_with_its_uses() {
        let index = index();
        assert_eq!(count(&index, Kind::Role, "ops"), (1, 2));
        assert_eq!(count(&index, Kind::Activity, "build"), (1, 2));
        assert_eq!(count(&index, Kind::Artifact, "app"), (1, 1));
        assert_eq!(count(&index, Kind::Input, "level"), (1, 1));
        assert_eq!(count(&index, Kind::Secret, "TOKEN"), (1, 1));
        assert_eq!(count(&index, Kind::Output, "version"), (1, 1));
        assert_eq!(count(&index, Kind::Axis, "os"), (1, 1));
        assert_eq!(count(&index, Kind::Context, "branch"), (0, 1));
        assert_eq!(count(&index, Kind::Event, "push"), (0, 1));
        assert_eq!(count(&index, Kind::Function, "startsWith"), (0, 1));
        assert_eq!(count(&index, Kind::Policy, "prod"), (1, 1));
        assert_eq!(count(&index, Kind::Policy, "timeouts"), (0, 1));
        assert_eq!(count(&index, Kind::Property, "activity.environment"), (0, 1));
    }

    #[test]
    fn spans_cover_exactly_the_names() {
        for o in &index().occurrences {
            assert_eq!(&TEXT[o.span.range()], o.key.name, "{o:?}");
        }
    }

    #[test]
    fn templates_modules_and_parameters() {
        let text = r#"import "ci/rust.flow" as rust
template smoke(what: string) { approved_by ops step "{{what}}" }
process p { activity a from smoke(what: "x"), rust.test(toolchain: "1") {} }
"#;
        let (file, errors) = crate::syntax::parse(FileId(0), text);
        assert!(errors.is_empty(), "{errors:?}");
        let index = Index::build(&file);
        assert_eq!(count(&index, Kind::Module, "rust"), (1, 1));
        assert_eq!(count(&index, Kind::Template, "smoke"), (1, 1));
        assert_eq!(count(&index, Kind::Parameter, "what"), (1, 1));
        assert_eq!(count(&index, Kind::Role, "ops"), (0, 1));
        for o in &index.occurrences {
            assert_eq!(&text[o.span.range()], o.key.name, "{o:?}");
        }
        // A name used through an alias carries it; its declaration is in the module.
        let test = index.occurrences.iter().find(|o| o.key.name == "test").unwrap();
        assert_eq!((test.key.kind, test.key.module.as_deref(), test.definition), (Kind::Template, Some("rust"), false));
        let arg = index.occurrences.iter().find(|o| o.key.name == "toolchain").unwrap();
        assert_eq!((arg.key.activity.as_deref(), arg.key.module.as_deref()), (Some("test"), Some("rust")));
        let what = index.occurrences.iter().filter(|o| o.key.name == "what").map(|o| &o.key).collect::<Vec<_>>();
        assert_eq!(what[0], what[1], "the argument and the parameter are one name");
        assert_eq!(index.names(Kind::Template, None, None), ["smoke"]);
    }

    #[test]
    fn lookup_by_offset_and_scope() {
        let index = index();
        let offset = TEXT.find("after build").unwrap() + "after bu".len();
        let key = &index.at(offset).unwrap().key;
        assert_eq!(key.kind, Kind::Activity);
        let def = index.definitions(key).next().unwrap();
        assert_eq!(def.span.start as usize, TEXT.find("build {").unwrap());
        assert_eq!(index.names(Kind::Activity, Some("p"), None), ["build", "deploy"]);
        assert_eq!(index.names(Kind::Output, Some("p"), Some("build")), ["version"]);
        assert!(index.names(Kind::Output, Some("p"), Some("deploy")).is_empty());
    }
}
