//! The model-file loader `eosflip::loss::network::model_file::parse` (paths resolve under a
//! directory that does not exist, so no file is read).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = eosflip::loss::network::model_file::parse(
            text,
            "fuzz",
            std::path::Path::new("/nonexistent-eosflip-fuzz"),
        );
    }
});
