//! Fuzz target: the formatter. Whatever it accepts it formats idempotently
//! (`format(format(x)) == format(x)`) and without changing the program: the syntax tree
//! of the output equals that of the input, spans aside.

#![no_main]

use flowc::source::FileId;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(once) = flowc::format::format(FileId(0), text) else { return };
    let twice = match flowc::format::format(FileId(0), &once) {
        Ok(twice) => twice,
        Err(errors) => panic!("formatted text does not parse: {errors:?}\n----- formatted\n{once}"),
    };
    assert_eq!(once, twice, "formatting is not idempotent");
    assert_eq!(tree_without_spans(text), tree_without_spans(&once), "formatting changed the program");
});

/// The syntax tree as text with every span removed (as in `tests/format.rs`).
fn tree_without_spans(text: &str) -> String {
    flowc::format::without_spans(&flowc::syntax::parse(FileId(0), text).0)
}
