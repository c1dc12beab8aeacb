//! flowc: compiles `.flow` delivery processes to GitHub Actions and GitLab CI.
pub mod emit;
