//! In-process benchmarks of the pipeline on the synthetic process of `benches/support`
//! (N activities, each with a runner, dependencies, env, a checkout, two scripts and a
//! condition): parse, parse + check, and compile for GitHub, GitLab and both.
//!
//! `cargo bench --bench compile`; whole-process timings against the peers are in
//! `scripts/bench.sh`, the results in `docs/performance.md`.

mod support;

use divan::counter::BytesCount;
use divan::Bencher;
use flowc::ast::Target;
use flowc::source::FileId;

const SIZES: [usize; 3] = [100, 1_000, 10_000];

fn main() {
    // `cargo test --all-targets` runs benches without `--bench`: check that they work, quickly.
    if !std::env::args().any(|a| a == "--bench") {
        let compilation = flowc::compile(&support::sources(100), &Target::ALL);
        assert!(!compilation.has_errors() && compilation.outputs.len() >= 2, "{:?}", compilation.diagnostics.first());
        return;
    }
    divan::main();
}

#[divan::bench(args = SIZES, sample_count = 10, sample_size = 1)]
fn parse(bencher: Bencher, n: usize) {
    let text = support::flow(n);
    bencher.counter(BytesCount::of_str(&text)).bench(|| flowc::syntax::parse(FileId(0), &text));
}

#[divan::bench(args = SIZES, sample_count = 10, sample_size = 1)]
fn check(bencher: Bencher, n: usize) {
    let sources = support::sources(n);
    bencher.bench(|| flowc::analyze(&sources, &Target::ALL));
}

#[divan::bench(args = SIZES, sample_count = 10, sample_size = 1)]
fn build_github(bencher: Bencher, n: usize) {
    let sources = support::sources(n);
    bencher.bench(|| flowc::compile(&sources, &[Target::Github]));
}

#[divan::bench(args = SIZES, sample_count = 10, sample_size = 1)]
fn build_gitlab(bencher: Bencher, n: usize) {
    let sources = support::sources(n);
    bencher.bench(|| flowc::compile(&sources, &[Target::Gitlab]));
}

#[divan::bench(args = SIZES, sample_count = 10, sample_size = 1)]
fn build_both(bencher: Bencher, n: usize) {
    let sources = support::sources(n);
    bencher.bench(|| flowc::compile(&sources, &Target::ALL));
}
