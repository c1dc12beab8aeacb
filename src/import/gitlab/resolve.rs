//! GitLab's in-file reuse, resolved as GitLab does: `!reference [job, key, ...]` is
//! replaced by the value it names (a referenced list inside a list is spliced in), and
//! `extends:` merges each parent (recursively) under the job: mappings are merged key by
//! key, anything else is replaced. Parents that are not in the file (they come from an
//! `include:`) stay in `extends:`.

use super::super::yaml::Node;

pub fn resolve(doc: &Node) -> Node {
    let referenced = references(doc, doc, 0);
    let Node::Map(entries) = &referenced else { return referenced };
    let mut out = Vec::new();
    for (k, v) in entries {
        let value = if matches!(v, Node::Map(_)) && !super::GLOBAL_KEYS.contains(&k.as_str()) {
            extended(&referenced, v, 0)
        } else {
            v.clone()
        };
        out.push((k.clone(), value));
    }
    Node::Map(out)
}

fn references(root: &Node, node: &Node, depth: usize) -> Node {
    if depth > 20 {
        return node.clone();
    }
    match node {
        Node::Tagged(tag, inner) if tag == "reference" => {
            let path: Vec<String> = inner.items().iter().filter_map(Node::scalar_text).collect();
            let mut target = Some(root);
            for key in &path {
                target = target.and_then(|t| t.get(key));
            }
            match target {
                Some(t) => references(root, t, depth + 1),
                None => node.clone(),
            }
        }
        Node::Seq(items) => {
            let mut out = Vec::new();
            for item in items {
                let is_ref = matches!(item, Node::Tagged(t, _) if t == "reference");
                match references(root, item, depth + 1) {
                    Node::Seq(inner) if is_ref => out.extend(inner),
                    other => out.push(other),
                }
            }
            Node::Seq(out)
        }
        Node::Map(entries) => {
            Node::Map(entries.iter().map(|(k, v)| (k.clone(), references(root, v, depth + 1))).collect())
        }
        other => other.clone(),
    }
}

fn extended(doc: &Node, job: &Node, depth: usize) -> Node {
    let parents: Vec<String> = match job.get("extends") {
        Some(Node::Str(s)) => vec![s.clone()],
        Some(Node::Seq(items)) => items.iter().filter_map(Node::scalar_text).collect(),
        _ => return job.clone(),
    };
    if depth > 10 {
        return job.clone();
    }
    let mut base = Node::Map(Vec::new());
    let mut unresolved = Vec::new();
    for parent in &parents {
        match doc.get(parent) {
            Some(p @ Node::Map(_)) => base = merge(&base, &extended(doc, p, depth + 1)),
            _ => unresolved.push(Node::Str(parent.clone())),
        }
    }
    let mut child = job.clone();
    child.remove("extends");
    let mut out = merge(&base, &child);
    out.remove("extends");
    match unresolved.len() {
        0 => {}
        1 => out.set("extends", unresolved.remove(0)),
        _ => out.set("extends", Node::Seq(unresolved)),
    }
    out
}

/// `over` merged onto `base`: mappings key by key, anything else replaced.
pub fn merge(base: &Node, over: &Node) -> Node {
    match (base, over) {
        (Node::Map(a), Node::Map(b)) => {
            let mut out = a.clone();
            for (k, v) in b {
                match out.iter_mut().find(|(ok, _)| ok == k) {
                    Some(entry) => entry.1 = merge(&entry.1, v),
                    None => out.push((k.clone(), v.clone())),
                }
            }
            Node::Map(out)
        }
        (_, other) => other.clone(),
    }
}
