//! Lowering: pest pairs in, AST out.
//!
//! The grammar guarantees the shape of every pair, so `presume_*` helpers panic only on a
//! grammar/lowering mismatch (an internal bug). Errors the user can cause here (bad escapes,
//! numbers out of range) are collected as diagnostics and lowering goes on.

use super::errors;
use super::strings;
use super::Rule;
use crate::ast::*;
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};
use pest::iterators::Pair;

type P<'i> = Pair<'i, Rule>;

struct Lowerer {
    file: FileId,
    diagnostics: Vec<Diagnostic>,
}

/// Lowers the `file` pair.
pub fn file(file: FileId, root: P) -> (File, Vec<Diagnostic>) {
    let mut lowerer = Lowerer { file, diagnostics: Vec::new() };
    let mut out = File::default();
    for pair in root.into_inner() {
        match pair.as_rule() {
            Rule::roles => out.roles.extend(pair.into_inner().skip(1).map(|r| lowerer.role(r))),
            Rule::process => out.processes.push(lowerer.process(pair)),
            Rule::policy => out.policies.push(lowerer.policy(pair)),
            Rule::import_stmt => out.imports.push(lowerer.import(pair)),
            Rule::template => out.templates.push(lowerer.template(pair)),
            Rule::EOI => {}
            other => presume_unreachable(other),
        }
    }
    (out, lowerer.diagnostics)
}

fn presume_unreachable(rule: Rule) -> ! {
    panic!("internal error: grammar produced an unexpected {rule:?}")
}

/// The children of a pair without keyword pairs.
fn inner(pair: P) -> impl Iterator<Item = P> {
    pair.into_inner().filter(|p| !is_keyword(p.as_rule()))
}

fn is_keyword(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::kw_roles
            | Rule::kw_user
            | Rule::kw_team
            | Rule::kw_process
            | Rule::kw_owner
            | Rule::kw_manager
            | Rule::kw_secrets
            | Rule::kw_on
            | Rule::kw_env
            | Rule::kw_string
            | Rule::kw_boolean
            | Rule::kw_number
            | Rule::kw_choice
            | Rule::kw_activity
            | Rule::kw_after
            | Rule::kw_runs_on
            | Rule::kw_image
            | Rule::kw_step
            | Rule::kw_checkout
            | Rule::kw_name
            | Rule::kw_uses
            | Rule::kw_with
            | Rule::kw_secret
            | Rule::kw_matrix
            | Rule::kw_include
            | Rule::kw_exclude
            | Rule::kw_when
            | Rule::kw_timeout
            | Rule::kw_retry
            | Rule::kw_allow_failure
            | Rule::kw_service
            | Rule::kw_environment
            | Rule::kw_url
            | Rule::kw_approved_by
            | Rule::kw_of
            | Rule::kw_run_by
            | Rule::kw_consulted
            | Rule::kw_informed
            | Rule::kw_policy
            | Rule::kw_policies
            | Rule::kw_for
            | Rule::kw_require
            | Rule::kw_message
            | Rule::kw_produces
            | Rule::kw_artifact
            | Rule::kw_consumes
            | Rule::kw_output
            | Rule::kw_github
            | Rule::kw_gitlab
            | Rule::kw_import
            | Rule::kw_as
            | Rule::kw_export
            | Rule::kw_template
            | Rule::kw_from
            | Rule::kw_use
            | Rule::kw_true
            | Rule::kw_false
            | Rule::kw_null
    )
}

impl Lowerer {
    /// The pair's span without the whitespace pest lets a rule swallow at its end.
    fn span(&self, pair: &P) -> Span {
        let s = pair.as_span();
        let trimmed = pair.as_str().trim_end_matches([' ', '\t', '\r', '\n']).len();
        Span::new(self.file, s.start(), s.start() + trimmed)
    }

    fn ident(&self, pair: P) -> Ident {
        Ident { name: pair.as_str().to_string(), span: self.span(&pair) }
    }

    fn idents<'i>(&self, pairs: impl Iterator<Item = P<'i>>) -> Vec<Ident> {
        pairs.map(|p| self.ident(p)).collect()
    }

    fn string(&mut self, pair: P) -> Str {
        let span = self.span(&pair);
        let literal = pair.as_str();
        // Only a `"""` string starts with three quotes (a plain `""` is empty and ends there).
        let decoded = match literal.starts_with("\"\"\"") {
            true => strings::triple(literal),
            false => strings::plain(literal),
        };
        let value = decoded.unwrap_or_else(|bad| {
            let start = span.start as usize;
            let bad_span = Span::new(self.file, start + bad.start, start + bad.end);
            let text = &literal[bad.start.min(literal.len())..bad.end.min(literal.len())];
            self.diagnostics.push(errors::bad_escape(bad_span, text));
            String::new()
        });
        Str { value, span }
    }

    fn role(&mut self, pair: P) -> RoleDecl {
        let span = self.span(&pair);
        let mut parts = pair.into_inner();
        let name = self.ident(parts.next().expect("role name"));
        let members = parts.next().expect("role members").into_inner().map(|m| self.member(m)).collect();
        RoleDecl { name, members, span }
    }

    fn member(&mut self, pair: P) -> Member {
        let mut parts = pair.into_inner();
        let kind = match parts.next().expect("member kind").as_rule() {
            Rule::kw_user => MemberKind::User,
            _ => MemberKind::Team,
        };
        Member { kind, name: self.string(parts.next().expect("member name")) }
    }

    fn process(&mut self, pair: P) -> Process {
        let span = self.span(&pair);
        let mut parts = inner(pair);
        let name = self.ident(parts.next().expect("process name"));
        let mut process = Process {
            name,
            owner: vec![],
            manager: vec![],
            policies: vec![],
            secrets: vec![],
            triggers: vec![],
            env: vec![],
            activities: vec![],
            uses: vec![],
            targets: vec![],
            span,
        };
        for stmt in parts {
            match stmt.as_rule() {
                Rule::owner_stmt => process.owner.extend(self.idents(inner(stmt))),
                Rule::manager_stmt => process.manager.extend(self.idents(inner(stmt))),
                Rule::secrets_stmt => process.secrets.extend(self.idents(inner(stmt))),
                Rule::policies_stmt => process.policies.extend(self.idents(inner(stmt))),
                Rule::on_stmt => {
                    let triggers: Vec<Trigger> = inner(stmt).map(|t| self.trigger(t)).collect();
                    process.triggers.extend(triggers);
                }
                Rule::env_block => {
                    let entries = self.env_block(stmt);
                    process.env.extend(entries);
                }
                Rule::activity => {
                    let activity = self.activity(stmt);
                    process.activities.push(activity);
                }
                Rule::use_stmt => {
                    let span = self.span(&stmt);
                    let mut parts = inner(stmt);
                    let call = self.template_call(parts.next().expect("used template"));
                    let prefix = parts.next().map(|p| self.ident(p));
                    let at = process.activities.len();
                    process.uses.push(GroupUse { call, prefix, at, span });
                }
                Rule::target_block => {
                    let block = self.target_block(stmt);
                    process.targets.push(block);
                }
                other => presume_unreachable(other),
            }
        }
        process
    }

    fn import(&mut self, pair: P) -> Import {
        let span = self.span(&pair);
        let mut parts = inner(pair);
        let path = self.string(parts.next().expect("import path"));
        let alias = self.ident(parts.next().expect("import alias"));
        Import { path, alias, span }
    }

    fn template(&mut self, pair: P) -> Template {
        let span = self.span(&pair);
        let exported = pair.clone().into_inner().any(|p| p.as_rule() == Rule::kw_export);
        let mut parts = inner(pair).peekable();
        let name = self.ident(parts.next().expect("template name"));
        let mut params = Vec::new();
        while parts.peek().is_some_and(|p| p.as_rule() == Rule::param) {
            let mut kv = parts.next().expect("param").into_inner();
            let name = self.ident(kv.next().expect("param name"));
            let ty = match kv.next().expect("param type").into_inner().next().expect("type keyword").as_rule() {
                Rule::kw_boolean => ParamType::Boolean,
                Rule::kw_number => ParamType::Number,
                _ => ParamType::String,
            };
            let default = kv.next().map(|d| self.literal(d));
            params.push(Param { name, ty, default });
        }
        let (mut stmts, mut activities) = (Vec::new(), Vec::new());
        for part in parts {
            match part.as_rule() {
                Rule::activity => activities.push(self.activity(part)),
                _ => stmts.push(self.activity_stmt(part)),
            }
        }
        Template { name, exported, params, stmts, activities, span }
    }

    fn template_call(&mut self, pair: P) -> TemplateCall {
        let span = self.span(&pair);
        let mut parts = pair.into_inner();
        let path = self.idents(parts.next().expect("template path").into_inner());
        let args = parts
            .map(|arg| {
                let mut kv = arg.into_inner();
                let name = self.ident(kv.next().expect("argument name"));
                (name, self.literal(kv.next().expect("argument value")))
            })
            .collect();
        TemplateCall { path, args, span }
    }

    fn policy(&mut self, pair: P) -> Policy {
        let span = self.span(&pair);
        let mut parts = inner(pair);
        let name = self.ident(parts.next().expect("policy name"));
        let mut policy = Policy { name, applies: vec![], require: vec![], message: vec![], span };
        for stmt in parts {
            let rule = stmt.as_rule();
            let body = inner(stmt).next().expect("policy statement body");
            match rule {
                Rule::policy_for => policy.applies.push(self.expr(body)),
                Rule::policy_require => policy.require.push(self.expr(body)),
                _ => policy.message.push(self.string(body)),
            }
        }
        policy
    }

    fn trigger(&mut self, pair: P) -> Trigger {
        let span = self.span(&pair);
        let mut parts = pair.into_inner();
        let kind = self.ident(parts.next().expect("trigger kind"));
        let args = parts.map(|a| self.trigger_arg(a)).collect();
        Trigger { kind, args, span }
    }

    fn trigger_arg(&mut self, pair: P) -> TriggerArg {
        let span = self.span(&pair);
        let mut parts = pair.into_inner();
        let name = self.ident(parts.next().expect("argument name"));
        let body = parts.next().expect("argument value");
        let value = match body.as_rule() {
            Rule::input_decl => {
                let mut decl = body.into_inner();
                let ty = self.input_type(decl.next().expect("input type"));
                let default = decl.next().map(|d| self.literal(d));
                ArgValue::Input { ty, default }
            }
            _ => ArgValue::Value(self.value(body)),
        };
        TriggerArg { name, value, span }
    }

    fn input_type(&mut self, pair: P) -> InputType {
        let ty = pair.into_inner().next().expect("input type");
        match ty.as_rule() {
            Rule::kw_string => InputType::String,
            Rule::kw_boolean => InputType::Boolean,
            Rule::kw_number => InputType::Number,
            _ => InputType::Choice(inner(ty).map(|s| self.string(s)).collect()),
        }
    }

    fn env_block(&mut self, pair: P) -> Vec<EnvEntry> {
        inner(pair)
            .map(|entry| {
                let mut parts = entry.into_inner();
                let name = self.ident(parts.next().expect("env name"));
                let value = self.expr(parts.next().expect("env value"));
                EnvEntry { name, value }
            })
            .collect()
    }

    fn activity(&mut self, pair: P) -> Activity {
        let span = self.span(&pair);
        let mut parts = inner(pair).peekable();
        let name = self.ident(parts.next().expect("activity name"));
        let from = match parts.peek().map(|p| p.as_rule()) {
            Some(Rule::from_clause) => {
                inner(parts.next().expect("from clause")).map(|c| self.template_call(c)).collect()
            }
            _ => Vec::new(),
        };
        let after = match parts.peek().map(|p| p.as_rule()) {
            Some(Rule::after_clause) => self.idents(inner(parts.next().expect("after clause"))),
            _ => Vec::new(),
        };
        let stmts = parts.map(|s| self.activity_stmt(s)).collect();
        Activity { name, from, after, stmts, span }
    }

    fn activity_stmt(&mut self, pair: P) -> ActivityStmt {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        match rule {
            Rule::name_stmt => ActivityStmt::Name(self.string(inner(pair).next().expect("name"))),
            Rule::runs_on_stmt => ActivityStmt::RunsOn(self.runs_on(pair)),
            Rule::image_stmt => ActivityStmt::Image(self.string(inner(pair).next().expect("image"))),
            Rule::step_stmt => ActivityStmt::Step(self.step(pair)),
            Rule::env_block => ActivityStmt::Env(self.env_block(pair)),
            Rule::secret_stmt => ActivityStmt::Secrets(self.idents(inner(pair))),
            Rule::matrix_block => ActivityStmt::Matrix(self.matrix(pair)),
            Rule::when_stmt => ActivityStmt::When(self.expr(inner(pair).next().expect("condition"))),
            Rule::timeout_stmt => {
                let text = pair.into_inner().nth(1).expect("duration").as_str().to_string();
                let (digits, unit) = text.split_at(text.len() - 1);
                let factor = if unit == "h" { 60 } else { 1 };
                let minutes = digits.parse::<u32>().ok().and_then(|n| n.checked_mul(factor)).unwrap_or_else(|| {
                    self.diagnostics.push(errors::bad_number(span, &text, "duration"));
                    0
                });
                ActivityStmt::Timeout { minutes, span }
            }
            Rule::retry_stmt => {
                let text = pair.into_inner().nth(1).expect("count").as_str().to_string();
                let count = text.parse::<u32>().unwrap_or_else(|_| {
                    self.diagnostics.push(errors::bad_number(span, &text, "retry count"));
                    0
                });
                ActivityStmt::Retry { count, span }
            }
            Rule::allow_failure_stmt => {
                let when = inner(pair).next().map(|w| self.expr(inner(w).next().expect("condition")));
                ActivityStmt::AllowFailure { when, span }
            }
            Rule::service_stmt => ActivityStmt::Service(self.service(pair)),
            Rule::environment_stmt => {
                let mut parts = inner(pair);
                let first = parts.next().expect("environment name");
                let name = match first.as_rule() {
                    Rule::ident => Str { value: first.as_str().to_string(), span: self.span(&first) },
                    _ => self.string(first),
                };
                let url = parts.next().map(|u| self.string(u));
                ActivityStmt::Environment { name, url, span }
            }
            Rule::approved_by_stmt => {
                let parts: Vec<P> = inner(pair).collect();
                let quorum = match parts.as_slice() {
                    [count, _] => {
                        let span = self.span(count);
                        let n = count.as_str().parse::<u32>().unwrap_or_else(|_| {
                            self.diagnostics.push(errors::bad_number(span, count.as_str(), "quorum"));
                            0
                        });
                        Some((n, span))
                    }
                    _ => None,
                };
                let role = self.ident(parts.last().expect("role").clone());
                ActivityStmt::ApprovedBy { role, quorum }
            }
            Rule::run_by_stmt => ActivityStmt::RunBy(self.ident(inner(pair).next().expect("role"))),
            Rule::consulted_stmt => ActivityStmt::Consulted(self.idents(inner(pair))),
            Rule::informed_stmt => ActivityStmt::Informed(self.idents(inner(pair))),
            Rule::produces_stmt => {
                let mut parts = inner(pair);
                let name = self.ident(parts.next().expect("artifact name"));
                let paths_pair = parts.next().expect("artifact paths");
                let paths = match paths_pair.as_rule() {
                    Rule::string_list => paths_pair.into_inner().map(|s| self.string(s)).collect(),
                    _ => vec![self.string(paths_pair)],
                };
                ActivityStmt::Produces { name, paths, span }
            }
            Rule::consumes_stmt => ActivityStmt::Consumes(self.idents(inner(pair))),
            Rule::output_stmt => ActivityStmt::Outputs(self.idents(inner(pair))),
            Rule::target_block => ActivityStmt::Target(self.target_block(pair)),
            other => presume_unreachable(other),
        }
    }

    fn runs_on(&mut self, pair: P) -> RunsOn {
        let value = inner(pair).next().expect("runner");
        match value.as_rule() {
            Rule::string => RunsOn::Label(self.string(value)),
            _ => {
                let span = self.span(&value);
                RunsOn::Path(self.idents(value.into_inner()), span)
            }
        }
    }

    fn step(&mut self, pair: P) -> Step {
        let span = self.span(&pair);
        let mut only = None;
        let mut kind = None;
        let mut targets = Vec::new();
        let mut names = Vec::new();
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::step_target => {
                    let t = part.into_inner().next().expect("target keyword");
                    only = Some(if t.as_rule() == Rule::kw_github { Target::Github } else { Target::Gitlab });
                }
                Rule::kw_step => {}
                Rule::kw_checkout => kind = Some(StepKind::Checkout),
                Rule::string => kind = Some(StepKind::Run(self.string(part))),
                Rule::uses_step => kind = Some(self.uses(part)),
                Rule::step_block => {
                    for setting in part.into_inner() {
                        match setting.as_rule() {
                            Rule::step_name => names.push(self.string(inner(setting).next().expect("name"))),
                            _ => targets.push(self.target_block(setting)),
                        }
                    }
                }
                other => presume_unreachable(other),
            }
        }
        Step { only, kind: kind.expect("step has a body"), names, targets, span }
    }

    fn uses(&mut self, pair: P) -> StepKind {
        let mut parts = inner(pair);
        let action = self.string(parts.next().expect("action"));
        let with = parts
            .map(|entry| {
                let mut kv = entry.into_inner();
                let key = self.key(kv.next().expect("with key"));
                let value = self.literal(kv.next().expect("with value"));
                (key, value)
            })
            .collect();
        StepKind::Uses { action, with }
    }

    fn matrix(&mut self, pair: P) -> Matrix {
        let span = self.span(&pair);
        let mut matrix = Matrix { axes: vec![], include: vec![], exclude: vec![], span };
        for part in inner(pair) {
            match part.as_rule() {
                Rule::matrix_axis => {
                    let mut kv = part.into_inner();
                    let name = self.ident(kv.next().expect("axis name"));
                    let values = kv.map(|v| self.matrix_value(v)).collect();
                    matrix.axes.push((name, values));
                }
                Rule::matrix_include => {
                    let combo = self.combo(inner(part).next().expect("combo"));
                    matrix.include.push(combo);
                }
                Rule::matrix_exclude => {
                    let combo = self.combo(inner(part).next().expect("combo"));
                    matrix.exclude.push(combo);
                }
                other => presume_unreachable(other),
            }
        }
        matrix
    }

    fn combo(&mut self, pair: P) -> Combo {
        let span = self.span(&pair);
        let pairs = pair
            .into_inner()
            .map(|p| {
                let mut kv = p.into_inner();
                let name = self.ident(kv.next().expect("axis"));
                (name, self.matrix_value(kv.next().expect("value")))
            })
            .collect();
        Combo { pairs, span }
    }

    fn matrix_value(&mut self, pair: P) -> Value {
        let value = pair.into_inner().next().expect("matrix value");
        match value.as_rule() {
            Rule::ident => Value { span: self.span(&value), kind: ValueKind::Str(value.as_str().to_string()) },
            _ => self.literal(value),
        }
    }

    fn service(&mut self, pair: P) -> Service {
        let span = self.span(&pair);
        let mut parts = inner(pair);
        let name = self.ident(parts.next().expect("service name"));
        let image = self.string(parts.next().expect("service image"));
        let env = parts.next().map(|e| self.env_block(e)).unwrap_or_default();
        Service { name, image, env, span }
    }

    fn target_block(&mut self, pair: P) -> TargetBlock {
        let span = self.span(&pair);
        let mut parts = pair.into_inner();
        let target = match parts.next().expect("target").as_rule() {
            Rule::kw_github => Target::Github,
            _ => Target::Gitlab,
        };
        let entries = self.entries(parts.next().expect("entries"));
        TargetBlock { target, entries, span }
    }

    fn entries(&mut self, pair: P) -> Vec<(Str, Value)> {
        pair.into_inner()
            .map(|entry| {
                let mut kv = entry.into_inner();
                let key = self.key(kv.next().expect("key"));
                (key, self.tv_value(kv.next().expect("value")))
            })
            .collect()
    }

    fn key(&mut self, pair: P) -> Str {
        let key = pair.into_inner().next().expect("key");
        match key.as_rule() {
            Rule::string => self.string(key),
            _ => Str { value: key.as_str().to_string(), span: self.span(&key) },
        }
    }

    fn tv_value(&mut self, pair: P) -> Value {
        let span = self.span(&pair);
        let value = pair.into_inner().next().expect("target value");
        let kind = match value.as_rule() {
            Rule::tv_map => ValueKind::Map(self.entries(value.into_inner().next().expect("entries"))),
            Rule::tv_list => ValueKind::List(value.into_inner().map(|v| self.tv_value(v)).collect()),
            Rule::bare_word => ValueKind::Str(value.as_str().to_string()),
            _ => self.literal(value).kind,
        };
        Value { kind, span }
    }

    fn value(&mut self, pair: P) -> Value {
        let span = self.span(&pair);
        let value = pair.into_inner().next().expect("value");
        match value.as_rule() {
            Rule::literal_list => {
                Value { kind: ValueKind::List(value.into_inner().map(|v| self.literal(v)).collect()), span }
            }
            _ => self.literal(value),
        }
    }

    fn literal(&mut self, pair: P) -> Value {
        let span = self.span(&pair);
        let value = pair.into_inner().next().expect("literal");
        let kind = match value.as_rule() {
            Rule::string => ValueKind::Str(self.string(value).value),
            Rule::kw_true => ValueKind::Bool(true),
            Rule::kw_false => ValueKind::Bool(false),
            Rule::kw_null => ValueKind::Null,
            Rule::number => self.number(value.as_str(), span),
            other => presume_unreachable(other),
        };
        Value { kind, span }
    }

    fn number(&mut self, text: &str, span: Span) -> ValueKind {
        if text.contains('.') {
            return match text.parse::<f64>() {
                Ok(f) if f.is_finite() => ValueKind::Float(f),
                _ => {
                    self.diagnostics.push(errors::bad_number(span, text, "number"));
                    ValueKind::Float(0.0)
                }
            };
        }
        text.parse::<i64>().map(ValueKind::Int).unwrap_or_else(|_| {
            self.diagnostics.push(errors::bad_number(span, text, "number"));
            ValueKind::Int(0)
        })
    }

    fn expr(&mut self, pair: P) -> Expr {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::or_expr => self.chain(pair, ExprKind::Or),
            Rule::and_expr => self.and_expr(pair),
            Rule::comparison => {
                let mut parts = pair.into_inner();
                let left = self.expr(parts.next().expect("operand"));
                match parts.next() {
                    None => left,
                    Some(op) => {
                        let op = if op.as_str() == "==" { CompareOp::Eq } else { CompareOp::Ne };
                        let right = self.expr(parts.next().expect("right operand"));
                        Expr { kind: ExprKind::Compare(op, Box::new(left), Box::new(right)), span }
                    }
                }
            }
            Rule::literal => self.literal_expr(pair),
            Rule::call => {
                let mut parts = pair.into_inner();
                let name = self.ident(parts.next().expect("function"));
                let args = parts.map(|a| self.expr(a)).collect();
                Expr { kind: ExprKind::Call(name, args), span }
            }
            Rule::list_expr => Expr { kind: ExprKind::List(pair.into_inner().map(|e| self.expr(e)).collect()), span },
            Rule::path => Expr { kind: ExprKind::Path(self.idents(pair.into_inner())), span },
            other => presume_unreachable(other),
        }
    }

    /// `a && !b`: `unary` is silent, so the pairs are each operand's `!`s, then the operand.
    fn and_expr(&mut self, pair: P) -> Expr {
        let span = self.span(&pair);
        let (mut first, mut items) = (None, Vec::new());
        let (mut nots, mut first_not) = (0usize, None);
        for part in pair.into_inner() {
            if part.as_rule() == Rule::not_op {
                first_not = first_not.or_else(|| Some(self.span(&part)));
                nots += 1;
                continue;
            }
            let operand = self.expr(part);
            // `!!x` is `x`: collapsing keeps the tree shallow however many `!` there are.
            let operand = match first_not.take().filter(|_| nots % 2 == 1) {
                Some(not) => Expr { span: not.to(operand.span), kind: ExprKind::Not(Box::new(operand)) },
                None => operand,
            };
            nots = 0;
            match first.take() {
                None if items.is_empty() => first = Some(operand),
                earlier => items.extend(earlier.into_iter().chain([operand])),
            }
        }
        match first {
            Some(only) => only,
            None => Expr { kind: ExprKind::And(items), span },
        }
    }

    fn literal_expr(&mut self, pair: P) -> Expr {
        let value = self.literal(pair);
        Expr { kind: ExprKind::Literal(value.kind), span: value.span }
    }

    fn chain(&mut self, pair: P, build: fn(Vec<Expr>) -> ExprKind) -> Expr {
        let span = self.span(&pair);
        let mut parts = pair.into_inner();
        let first = self.expr(parts.next().expect("operand"));
        let Some(second) = parts.next() else { return first };
        let mut items = vec![first, self.expr(second)];
        items.extend(parts.map(|p| self.expr(p)));
        Expr { kind: build(items), span }
    }
}

#[cfg(test)]
mod tests {
    /// `is_keyword` lists every `kw_*` rule of the grammar: a keyword missing there would
    /// reach the lowering as a statement and stop it.
    #[test]
    fn every_grammar_keyword_is_skipped_by_lowering() {
        let grammar = include_str!("../../grammar/flowc.pest");
        let source = include_str!("lower.rs");
        let body = &source[source.find("fn is_keyword").unwrap()..];
        let body = &body[..body.find("\n}\n").unwrap()];
        for name in grammar.lines().filter_map(|l| l.split_whitespace().next()).filter(|w| w.starts_with("kw_")) {
            assert!(
                body.contains(&format!("Rule::{name}\n")) || body.contains(&format!("Rule::{name} ")),
                "is_keyword lacks {name}"
            );
        }
    }
}
