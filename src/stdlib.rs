//! The standard library: `.flow` modules shipped inside the binary, imported as `std/NAME`.
//! Each is written in the language itself (templates with `github`/`gitlab` steps and
//! blocks), so a process that uses them builds for both targets without target blocks.

/// `(name as loaded, source)` of every module.
const MODULES: &[(&str, &str)] = &[
    ("std/artifacts.flow", include_str!("stdlib/artifacts.flow")),
    ("std/cache.flow", include_str!("stdlib/cache.flow")),
    ("std/checkout.flow", include_str!("stdlib/checkout.flow")),
    ("std/container.flow", include_str!("stdlib/container.flow")),
    ("std/release.flow", include_str!("stdlib/release.flow")),
    ("std/toolchains.flow", include_str!("stdlib/toolchains.flow")),
];

/// The source of a standard module, by the name it is loaded under (`std/NAME.flow`).
pub fn source(name: &str) -> Option<&'static str> {
    MODULES.iter().find(|(n, _)| *n == name).map(|(_, text)| *text)
}

/// The names of all standard modules.
pub fn names() -> impl Iterator<Item = &'static str> {
    MODULES.iter().map(|(n, _)| *n)
}
