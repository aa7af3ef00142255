//! The expression parser (ours, no symbolica): parse, print, validate with the budgets
//! (`prepare`), and evaluate the text of a loss.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        // As in production: the symbolica rendering (tanh copies its argument four times) only
        // after the budgets passed.
        let ast = eosflip::loss::expr::parse::parse_input(text).ok();
        if let Some(ast) = ast.filter(|a| eosflip::loss::expr::budget::check(text, a).is_ok()) {
            let _ = eosflip::loss::expr::parse::print(
                &ast,
                eosflip::loss::expr::parse::Flavor::Symbolica,
                &|_| None,
            );
        }
        let _ = eosflip::loss::expr::prepare(text, None, &std::collections::BTreeMap::new(), true);
        let _ = eosflip::loss::expr::eval_text(text, &[("x", 0.5), ("y", -2.0)]);
    }
});
