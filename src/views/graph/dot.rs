//! A [`Diagram`] as a Graphviz DOT digraph (`dot -Tsvg` draws it).
//!
//! Each process is a `cluster` holding one `cluster` per lane; activities are rounded boxes,
//! approval gates red hexagons labelled `approval: 2 of releasers` (no emoji: Graphviz's
//! default fonts lack one for PNG and PDF); plain dependencies are solid edges, artifacts and
//! outputs dashed edges labelled with their name. Every id and label is a quoted DOT string:
//! ids are `"PROCESS.ACTIVITY"` (names cannot contain `.`), and `"` and `\` are escaped, so
//! no name is read as a keyword or as one of DOT's `\N`-style label escapes.

use super::{Diagram, EdgeKind, Node};
use std::fmt::Write;

/// The DOT text of `diagram`, ending with a line break.
pub fn render(diagram: &Diagram) -> String {
    let mut out = String::from("digraph flowc {\n");
    out.push_str("  graph [rankdir=LR, fontname=\"Helvetica\"];\n");
    out.push_str("  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n");
    out.push_str("  edge [fontname=\"Helvetica\"];\n");
    for block in &diagram.blocks {
        let process = &block.process;
        let _ = writeln!(out, "  subgraph {} {{", string(&format!("cluster_{process}")));
        let _ = writeln!(out, "    label={};", string(&block.label()));
        out.push_str("    style=bold;\n");
        for lane in &block.lanes {
            let _ = writeln!(out, "    subgraph {} {{", string(&format!("cluster_{process}.{}", lane.role)));
            let _ = writeln!(out, "      label={};", string(&lane.label()));
            out.push_str("      style=\"rounded,dashed\";\n");
            for node in &lane.nodes {
                let _ = writeln!(out, "      {} [{}];", id(process, &node.name), attributes(node));
            }
            out.push_str("    }\n");
        }
        out.push_str("  }\n");
    }
    for block in &diagram.blocks {
        let name = |i: usize| block.lanes.iter().flat_map(|l| &l.nodes).find(|n| n.index == i).map(|n| &n.name);
        for edge in &block.edges {
            let (Some(from), Some(to)) = (name(edge.from), name(edge.to)) else { continue };
            let (from, to) = (id(&block.process, from), id(&block.process, to));
            let _ = match &edge.kind {
                EdgeKind::After => writeln!(out, "  {from} -> {to};"),
                EdgeKind::Artifact(label) | EdgeKind::Output(label) => {
                    writeln!(out, "  {from} -> {to} [label={}, style=dashed];", string(label))
                }
            };
        }
    }
    out.push_str("}\n");
    out
}

fn id(process: &str, activity: &str) -> String {
    string(&format!("{process}.{activity}"))
}

fn attributes(node: &Node) -> String {
    let lines: Vec<String> = node.lines("").iter().map(|l| escape(l)).collect();
    let label = format!("label=\"{}\"", lines.join("\\n"));
    if node.gate.is_some() {
        format!("{label}, shape=hexagon, style=\"filled,bold\", color=\"#b71c1c\", fillcolor=\"#fdecea\"")
    } else {
        label
    }
}

/// A quoted DOT string.
pub fn string(s: &str) -> String {
    format!("\"{}\"", escape(s))
}

/// The inside of a quoted DOT string: `"` and `\` escaped, control characters as spaces.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::string;

    #[test]
    fn strings_are_quoted_and_escaped() {
        assert_eq!(string("deploy-production"), "\"deploy-production\"");
        assert_eq!(string(r#"a "b" \N c"#), r#""a \"b\" \\N c""#);
        assert_eq!(string("two\nlines"), "\"two lines\"");
    }
}
