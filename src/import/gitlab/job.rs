//! One GitLab job → one activity.

use super::super::flow::{string, Activity, Step, Stmt};
use super::super::yaml::Node;
use super::super::FallbackKind;
use super::Ctx;

use super::super::probe::Level;

pub fn import(job: &str, body: &Node, ctx: &mut Ctx) -> Activity {
    let place = format!("job `{job}`");
    let name = ctx.activity(job).unwrap_or(job).to_string();
    let mut a = Activity { name: name.clone(), ..Activity::default() };
    let before = ctx.report.fallbacks.len();
    let (mut head, mut notes, mut steps) = (Vec::new(), Vec::new(), Vec::new());
    if name != job {
        // The job keeps its name (`build:linux`, `test 1/2`) in the block; the activity gets a flowc name.
        let reason = format!("not a flowc name; the activity is `{name}`");
        notes.extend(ctx.keep(&mut a.gitlab, Level::Activity, "name", &Node::Str(job.to_string()), &place, &reason));
    }
    for (key, value) in body.entries() {
        match key.as_str() {
            "script" => steps = script(value, &place, ctx, &mut notes),
            "needs" | "variables" => {
                let (before, mut lost) = (ctx.report.fallbacks.len(), Vec::new());
                let (after, vars) = match key.as_str() {
                    "needs" => (needs(value, &place, ctx, &mut lost), Vec::new()),
                    _ => (Vec::new(), super::variables(value, "job `variables`", &place, ctx, &mut lost)),
                };
                let lossy = ctx.report.fallbacks[before..].iter().any(|f| f.kind == FallbackKind::Dropped);
                // `needs: []` beside a `stage` must be stated: a block's `stage` alone means stage order.
                let stated = key == "needs" && value.items().is_empty() && body.get("stage").is_some();
                if (lossy || stated) && super::super::probe::accepts(crate::ast::Target::Gitlab, Level::Activity, key) {
                    ctx.report.fallbacks.truncate(before);
                    block(&mut a, key, value, &place, ctx, &mut notes);
                } else {
                    a.after.extend(after);
                    if !vars.is_empty() {
                        head.push(Stmt::Env(vars));
                    }
                    notes.extend(lost);
                }
            }
            "image" => match value.as_str().or_else(|| one_key(value, "name")) {
                Some(image) => head.push(Stmt::Line(format!("image {}", string(image)))),
                None => block(&mut a, key, value, &place, ctx, &mut notes),
            },
            "tags" => match value.items() {
                [Node::Str(tag)] => head.push(Stmt::Line(runner(tag))),
                _ => block(&mut a, key, value, &place, ctx, &mut notes),
            },
            "timeout" => match value.scalar_text().and_then(|t| minutes(&t)) {
                Some(m) if (1..=8640).contains(&m) => head.push(Stmt::Line(format!("timeout {m}m"))),
                _ => block(&mut a, key, value, &place, ctx, &mut notes),
            },
            "allow_failure" => match value {
                Node::Bool(true) => head.push(Stmt::Line("allow_failure".into())),
                Node::Bool(false) => {}
                _ => block(&mut a, key, value, &place, ctx, &mut notes),
            },
            "retry" => match value {
                Node::Int(n @ 1..=2) => head.push(Stmt::Line(format!("retry {n}"))),
                _ => block(&mut a, key, value, &place, ctx, &mut notes),
            },
            "services" => match services(value) {
                Some(list) => head.extend(list),
                None => block(&mut a, key, value, &place, ctx, &mut notes),
            },
            "environment" => {
                let (env_name, url) = match value {
                    Node::Map(_) => {
                        (value.get("name").and_then(Node::scalar_text), value.get("url").and_then(Node::scalar_text))
                    }
                    other => (other.scalar_text(), None),
                };
                let extra = value.entries().iter().any(|(k, _)| k != "name" && k != "url");
                match env_name {
                    Some(n) if !extra && !n.is_empty() => {
                        let n = if super::super::is_ident(&n) { n } else { string(&n) };
                        let url = url.map(|u| format!(" url {}", string(&u))).unwrap_or_default();
                        head.push(Stmt::Line(format!("environment {n}{url}")));
                    }
                    _ => notes.push(ctx.drop(
                        "job `environment` settings",
                        &place,
                        "flowc writes a name and url only",
                        Some(value),
                    )),
                }
            }
            k => notes.extend(ctx.keep(&mut a.gitlab, Level::Activity, k, value, &place, reason(k))),
        }
    }
    if body.get("needs").is_none() && body.get("stage").is_none() {
        // GitLab's default stage, stated so that the job keeps stage order.
        let reason = "a job without `needs:` runs in stage order";
        let default = Node::Str("test".into());
        notes.extend(ctx.keep(&mut a.gitlab, Level::Activity, "stage", &default, &place, reason));
    }
    // A template (`extends`), a `trigger` or an included job of the same name stands for the script.
    let elsewhere = ctx.included || a.gitlab.iter().any(|(k, _)| k == "extends" || k == "trigger");
    if steps.is_empty() && !elsewhere {
        let reason = "an activity needs a shell step; the placeholder fails the job";
        notes.push(ctx.drop("job without `script:` lines (from an include or `trigger`)", &place, reason, None));
        steps.push(Stmt::Step {
            only: None,
            kind: Step::Run(format!("echo 'flowc import: job {job} has no script flowc can express' >&2\nexit 1\n")),
            name: None,
            github: Vec::new(),
        });
    }
    a.stmts = head;
    a.stmts.extend(notes.into_iter().map(Stmt::Comment));
    a.stmts.extend(steps);
    ctx.report.counts.jobs += 1;
    ctx.report.counts.jobs_without_blocks += usize::from(a.github.is_empty() && a.gitlab.is_empty());
    if a.gitlab.is_empty() && !ctx.report.fallbacks[before..].iter().any(|f| f.kind == FallbackKind::Dropped) {
        ctx.report.counts.jobs_plain += 1;
    }
    a
}

fn reason(key: &str) -> &'static str {
    match key {
        "rules" | "only" | "except" | "when" => "GitLab conditions: `when` cannot state GitLab rules",
        "stage" => "GitLab stage order",
        "parallel" => "GitLab parallel jobs: a flowc matrix expands into jobs of its own",
        "trigger" => "flowc has no downstream pipelines",
        _ => "no construct",
    }
}

fn block(a: &mut Activity, key: &str, value: &Node, place: &str, ctx: &mut Ctx, notes: &mut Vec<String>) {
    notes.extend(ctx.keep(&mut a.gitlab, Level::Activity, key, value, place, "not expressible with the construct"));
}

fn one_key<'a>(value: &'a Node, key: &str) -> Option<&'a str> {
    match value.entries() {
        [(k, v)] if k == key => v.as_str(),
        _ => None,
    }
}

fn runner(tag: &str) -> String {
    match tag {
        "saas-macos-medium-m1" => "runs_on macos".into(),
        "saas-windows-medium-amd64" => "runs_on windows".into(),
        other => format!("runs_on {}", string(other)),
    }
}

/// `1h 30m`, `90 minutes`, `2h`, `3600` (seconds) as whole minutes.
pub fn minutes(text: &str) -> Option<u32> {
    let text = text.trim().to_ascii_lowercase();
    if let Ok(seconds) = text.parse::<u32>() {
        return seconds.is_multiple_of(60).then_some(seconds / 60);
    }
    let mut total = 0u32;
    let mut number = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        if c.is_whitespace() {
            continue;
        }
        let mut unit = String::from(c);
        while let Some(&n) = chars.peek() {
            if n.is_ascii_alphabetic() {
                unit.push(n);
                chars.next();
            } else {
                break;
            }
        }
        let n: u32 = number.parse().ok()?;
        number.clear();
        total += match unit.as_str() {
            "h" | "hr" | "hrs" | "hour" | "hours" => n * 60,
            "m" | "min" | "mins" | "minute" | "minutes" => n,
            "s" | "sec" | "secs" | "second" | "seconds" if n.is_multiple_of(60) => n / 60,
            "d" | "day" | "days" => n * 1440,
            _ => return None,
        };
    }
    number.is_empty().then_some(total)
}

fn script(value: &Node, place: &str, ctx: &mut Ctx, notes: &mut Vec<String>) -> Vec<Stmt> {
    let lines: Vec<Node> = match value {
        Node::Seq(items) => flatten(items),
        other => vec![other.clone()],
    };
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        ctx.report.counts.steps += 1;
        match line.scalar_text().filter(|t| !t.trim().is_empty() && !matches!(line, Node::Null)) {
            Some(text) => {
                // A plain `step "..."`: the GitLab import writes no step settings or markers.
                ctx.report.counts.steps_plain += 1;
                ctx.report.counts.steps_portable += 1;
                out.push(Stmt::Step { only: None, kind: Step::Run(text), name: None, github: Vec::new() });
            }
            None => notes.push(ctx.drop(
                "script line",
                &format!("{place}, line {}", i + 1),
                "empty or not text",
                Some(line),
            )),
        }
    }
    out
}

fn flatten(items: &[Node]) -> Vec<Node> {
    items
        .iter()
        .flat_map(|i| match i {
            Node::Seq(inner) => flatten(inner),
            other => vec![other.clone()],
        })
        .collect()
}

fn needs(value: &Node, place: &str, ctx: &mut Ctx, notes: &mut Vec<String>) -> Vec<String> {
    let mut out = Vec::new();
    for need in value.items() {
        let (job, artifacts, extra) = match need {
            Node::Str(s) => (Some(s.clone()), true, false),
            Node::Map(entries) => (
                need.get("job").and_then(Node::scalar_text),
                need.get("artifacts") != Some(&Node::Bool(false)),
                entries.iter().any(|(k, v)| {
                    !(matches!(k.as_str(), "job" | "artifacts") || k == "optional" && *v == Node::Bool(false))
                }),
            ),
            _ => (None, true, true),
        };
        match job.as_deref().and_then(|j| ctx.activity(j)).map(String::from) {
            Some(activity) => {
                if artifacts || extra {
                    let reason = "flowc downloads artifacts only from activities it `consumes` from";
                    notes.push(ctx.drop("`needs:` with artifacts or options", place, reason, Some(need)));
                }
                out.push(activity);
            }
            None => notes.push(ctx.drop("`needs:` entry", place, "not a job of this file", Some(need))),
        }
    }
    out
}

/// `services:` as `service` statements when each is an image (with an alias flowc can name).
fn services(value: &Node) -> Option<Vec<Stmt>> {
    let mut out = Vec::new();
    for item in value.items() {
        let (image, alias) = match item {
            Node::Str(s) => (s.clone(), None),
            Node::Map(entries) if entries.iter().all(|(k, _)| k == "name" || k == "alias") => {
                (item.get("name")?.as_str()?.to_string(), item.get("alias").and_then(Node::as_str).map(String::from))
            }
            _ => return None,
        };
        let alias = match alias {
            Some(a) => a,
            None if !image.contains('/') => image.split(':').next()?.to_string(),
            None => return None,
        };
        if !super::super::is_ident(&alias) {
            return None;
        }
        out.push(Stmt::Service { name: alias, image, env: Vec::new() });
    }
    (!out.is_empty()).then_some(out)
}
