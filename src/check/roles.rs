//! Roles: the declarations of one file, and the warning for roles nobody uses.

use super::errors;
use crate::ast;
use crate::diagnostic::Diagnostic;
use crate::model::{Activity, Member, Process, Role};
use crate::source::Span;
use indexmap::IndexMap;

/// Role name → (role, span of its name).
pub type Roles = IndexMap<String, (Role, Span)>;

pub fn collect(file: &ast::File, diagnostics: &mut Vec<Diagnostic>) -> Roles {
    let mut roles = Roles::new();
    for decl in &file.roles {
        if let Some((_, first)) = roles.get(&decl.name.name) {
            diagnostics.push(errors::duplicate("role", &decl.name.name, decl.name.span, *first));
            continue;
        }
        for m in &decl.members {
            let ok = !m.name.value.is_empty()
                && m.name.value.chars().all(|c| {
                    c.is_ascii_alphanumeric() || "._-".contains(c) || (c == '/' && m.kind == ast::MemberKind::Team)
                });
            if !ok {
                let what = if m.kind == ast::MemberKind::Team {
                    "team (`org/team` or a GitLab group path)"
                } else {
                    "user login"
                };
                diagnostics.push(errors::invalid(
                    m.name.span,
                    format!("`{}` is not a valid {what}", m.name.value),
                    "invalid name",
                ));
            }
        }
        let members = decl.members.iter().map(member).collect();
        let role = Role { name: decl.name.name.clone(), members, span: decl.span };
        roles.insert(decl.name.name.clone(), (role, decl.name.span));
    }
    roles
}

fn member(m: &ast::Member) -> Member {
    match m.kind {
        ast::MemberKind::User => Member::User(m.name.value.clone()),
        ast::MemberKind::Team => Member::Team(m.name.value.clone()),
    }
}

/// Resolves a role reference, reporting unknown names.
pub fn resolve(roles: &Roles, ident: &ast::Ident, diagnostics: &mut Vec<Diagnostic>) -> Option<String> {
    if roles.contains_key(&ident.name) {
        return Some(ident.name.clone());
    }
    let names = roles.keys().map(String::as_str);
    diagnostics.push(errors::unknown(errors::UNKNOWN_ROLE, "role", &ident.name, ident.span, names));
    None
}

/// Warns about each of `roles` that none of `processes` (those of the same file) uses.
pub fn warn_unused(roles: &[Role], processes: &[Process], diagnostics: &mut Vec<Diagnostic>) {
    for role in roles {
        let used = processes.iter().any(|p| {
            p.owner == role.name
                || p.manager.as_deref() == Some(&role.name)
                || p.activities.iter().any(|a| {
                    a.approval.as_ref().is_some_and(|ap| ap.role == role.name)
                        || a.run_by.as_ref().is_some_and(|r| r.role == role.name)
                        || a.consulted.contains(&role.name)
                        || a.informed.contains(&role.name)
                })
        });
        if !used {
            let span = Span { end: role.span.start + role.name.len() as u32, ..role.span };
            diagnostics.push(errors::unused(errors::UNUSED_ROLE, "role", &role.name, span));
        }
    }
}

/// Separation of duties: nobody may be both in the `run_by` and the `approved_by` role of
/// an activity (a team counts as a member; teams are compared by name).
pub fn check_duties(a: &Activity, roles: &Roles, diagnostics: &mut Vec<Diagnostic>) {
    let (Some(run_by), Some(approval)) = (&a.run_by, &a.approval) else { return };
    let (Some((runners, _)), Some((approvers, _))) = (roles.get(&run_by.role), roles.get(&approval.role)) else {
        return;
    };
    if let Some(shared) = runners.members.iter().find(|m| approvers.members.contains(m)) {
        let name = match shared {
            Member::User(n) | Member::Team(n) => n,
        };
        diagnostics.push(errors::self_approval(&a.name, name, run_by.span, approval.span));
    }
}
