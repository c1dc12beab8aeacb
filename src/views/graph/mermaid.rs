//! A [`Diagram`] as a Mermaid flowchart (GitHub and GitLab render it in Markdown).
//!
//! Each process is a `subgraph` holding one `subgraph` per lane; activities are rectangles,
//! approval gates hexagons of class `gate` labelled `⛔ approval: 2 of releasers`; plain dependencies are `-->`, artifacts and
//! outputs dotted `-.->` edges labelled with their name. Ids are generated (`p1`, `p1_l2`,
//! `p1_a3`), so no name can clash with Mermaid's keywords (`end`, `graph`...); every label is
//! quoted, with the characters Mermaid would read escaped as its `#code;` entities.

use super::{Diagram, EdgeKind, Node};
use std::fmt::Write;

/// The Mermaid text of `diagram`, ending with a line break.
pub fn render(diagram: &Diagram) -> String {
    let mut out = String::from("flowchart LR\n");
    let mut gates = Vec::new();
    for (p, block) in diagram.blocks.iter().enumerate() {
        let p = p + 1;
        let _ = writeln!(out, "  subgraph p{p}[\"{}\"]", text(&block.label()));
        out.push_str("    direction LR\n");
        for (l, lane) in block.lanes.iter().enumerate() {
            let _ = writeln!(out, "    subgraph p{p}_l{}[\"{}\"]", l + 1, text(&lane.label()));
            for node in &lane.nodes {
                let id = format!("p{p}_a{}", node.index + 1);
                let _ = writeln!(out, "      {id}{}", shape(node));
                if node.gate.is_some() {
                    gates.push(id);
                }
            }
            out.push_str("    end\n");
        }
        out.push_str("  end\n");
    }
    for (p, block) in diagram.blocks.iter().enumerate() {
        for edge in &block.edges {
            let (from, to) = (format!("p{}_a{}", p + 1, edge.from + 1), format!("p{}_a{}", p + 1, edge.to + 1));
            let _ = match &edge.kind {
                EdgeKind::After => writeln!(out, "  {from} --> {to}"),
                EdgeKind::Artifact(name) | EdgeKind::Output(name) => {
                    writeln!(out, "  {from} -.->|\"{}\"| {to}", text(name))
                }
            };
        }
    }
    if !gates.is_empty() {
        out.push_str("  classDef gate fill:#fdecea,stroke:#b71c1c,stroke-width:3px\n");
        let _ = writeln!(out, "  class {} gate", gates.join(","));
    }
    out
}

/// `["label"]` for an activity, `{{"label"}}` (a hexagon) for an approval gate.
fn shape(node: &Node) -> String {
    let label: Vec<String> = node.lines("⛔ ").iter().map(|l| text(l)).collect();
    let label = label.join("<br/>");
    if node.gate.is_some() {
        format!("{{{{\"{label}\"}}}}")
    } else {
        format!("[\"{label}\"]")
    }
}

/// Text for inside a quoted Mermaid label: characters with a meaning to Mermaid's lexer or to
/// its HTML labels become entity codes, line breaks and other control characters spaces.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '&' => out.push_str("#amp;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '|' => out.push_str("#124;"),
            '`' => out.push_str("#96;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::text;

    #[test]
    fn text_escapes_what_mermaid_reads() {
        assert_eq!(text("deploy-production"), "deploy-production");
        assert_eq!(text(r#"a "b" | <c> & #1 `d`"#), "a #quot;b#quot; #124; #lt;c#gt; #amp; #35;1 #96;d#96;");
        assert_eq!(text("two\nlines\t"), "two lines ");
    }
}
