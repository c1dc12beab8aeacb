//! `flowc fmt`: formats files in place, checks them, or formats stdin.

use super::FmtArgs;

pub fn run(_args: FmtArgs) -> u8 {
    eprintln!("flowc fmt: not implemented yet");
    super::USAGE_ERROR
}
