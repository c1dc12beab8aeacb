//! Emitters: checked model in, YAML documents out.
pub mod yaml;
