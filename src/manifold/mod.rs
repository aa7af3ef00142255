//! The minimizer manifold M: refinement of a start point onto M (docs/math.md §1).

pub mod refine;
