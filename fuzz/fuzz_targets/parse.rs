//! Fuzz target: the parser. Any UTF-8 text must parse or fail with diagnostics whose
//! spans lie inside the text on character boundaries; it must never panic, overflow the
//! stack or hang.

#![no_main]

use flowc::source::FileId;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (_, diagnostics) = flowc::syntax::parse(FileId(0), text);
    for d in &diagnostics {
        for label in std::iter::once(&d.primary).chain(&d.secondary) {
            let (start, end) = (label.span.start as usize, label.span.end as usize);
            assert!(start <= end && end <= text.len(), "{}: span {start}..{end} outside the text", d.code);
            assert!(text.is_char_boundary(start) && text.is_char_boundary(end), "{}: span splits a character", d.code);
        }
    }
});
