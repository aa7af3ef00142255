//! Every catalog entry's hand-written gradient against the `Dual64` derivative of its own
//! `value` along every coordinate (MATH.md §2: the gradient is the one pass every derivative
//! goes through, so it must be the derivative of the loss), at the default point and off it.
mod common;

use common::assert_gradient_is_value_derivative as check;

use eosflip::loss::catalog::{self, ENTRIES};
use std::collections::BTreeMap;

#[test]
fn every_catalog_gradient_is_the_derivative_of_its_value() {
    for e in ENTRIES {
        let inst = catalog::build(e.name, &BTreeMap::new()).unwrap();
        let p = &inst.default_point;
        check(e.name, &inst.loss, p);
        let off: Vec<f64> = p
            .iter()
            .enumerate()
            .map(|(i, x)| x + 0.05 * ((i as f64) * 1.7 + 0.3).sin())
            .collect();
        check(e.name, &inst.loss, &off);
    }
}
