#![no_main]
//! Fuzzes the operation decoder: it must never panic, and whatever it accepts must re-encode to
//! the same input (canonical form).

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    datacoop_ledger::fuzz::check_operation(data);
});
