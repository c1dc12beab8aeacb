//! Action pins: a lock file the user maintains that maps `owner/repo@ref` to a commit SHA.
//!
//! flowc cannot reach the network, so it cannot resolve a tag to a commit itself; with a
//! lock file, every `uses:` it emits for a listed action names the commit instead of the
//! movable tag. Format, one pin per line (`#` starts a comment):
//!
//! ```text
//! actions/checkout@v5  08c6903cd8c0fde910a37f88322edcfb5dd907a8
//! ```

use std::collections::BTreeMap;

/// `owner/repo@ref` → 40-hex commit SHA.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Pins {
    map: BTreeMap<String, String>,
}

impl Pins {
    /// Parses a lock file; errors are `(line number, message)`.
    pub fn parse(text: &str) -> Result<Pins, Vec<(usize, String)>> {
        let mut pins = Pins::default();
        let mut errors = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let fields: Vec<&str> = line.split_whitespace().collect();
            match fields.as_slice() {
                [action, _] if !action.contains('@') => errors.push((i + 1, format!("`{action}` has no `@ref`"))),
                [_, sha] if sha.len() != 40 || !sha.chars().all(|c| c.is_ascii_hexdigit()) => {
                    errors.push((i + 1, format!("`{sha}` is not a 40-character commit SHA")))
                }
                [action, sha] => {
                    if pins.map.insert(action.to_string(), sha.to_ascii_lowercase()).is_some() {
                        errors.push((i + 1, format!("`{action}` is pinned twice")));
                    }
                }
                _ => errors.push((i + 1, "expected `owner/repo@ref SHA`".to_string())),
            }
        }
        if errors.is_empty() {
            Ok(pins)
        } else {
            Err(errors)
        }
    }

    /// The reference to emit for `action` (`owner/repo@ref`): pinned to its commit when listed.
    pub fn resolve(&self, action: &str) -> String {
        match (self.map.get(action), action.split_once('@')) {
            (Some(sha), Some((name, _))) => format!("{name}@{sha}"),
            _ => action.to_string(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::Pins;

    #[test]
    fn parses_and_resolves() {
        let pins =
            Pins::parse("# pins\nactions/checkout@v5 08C6903CD8C0FDE910A37F88322EDCFB5DD907A8 # v5.0.0\n").unwrap();
        assert_eq!(pins.resolve("actions/checkout@v5"), "actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8");
        assert_eq!(pins.resolve("actions/setup-node@v5"), "actions/setup-node@v5");
    }

    #[test]
    fn reports_bad_lines() {
        let errors = Pins::parse("actions/checkout v5\nactions/checkout@v5 abc\na@b c d\n").unwrap_err();
        assert_eq!(errors.iter().map(|(line, _)| *line).collect::<Vec<_>>(), vec![1, 2, 3]);
    }
}
