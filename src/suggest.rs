//! "Did you mean" suggestions for unknown names.

/// The candidate closest to `name`, if it is close enough to be a plausible typo.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| (strsim::damerau_levenshtein(name, c), c))
        .filter(|(distance, c)| *distance <= limit || c.eq_ignore_ascii_case(name))
        .min_by_key(|(distance, c)| (*distance, *c))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn suggests_near_names_only() {
        assert_eq!(closest("biuld", ["build", "test", "deploy"]), Some("build"));
        assert_eq!(closest("release", ["build", "test"]), None);
        assert_eq!(closest("Build", ["build"]), Some("build"));
    }
}
