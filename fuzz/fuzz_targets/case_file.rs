//! The case-file loader: syntax and content checks of `eosflip::check::CaseFile::parse`.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(case) = eosflip::check::CaseFile::parse(text, "fuzz") {
            let _ = case.params_text();
        }
    }
});
