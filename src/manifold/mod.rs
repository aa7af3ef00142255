//! The minimizer manifold M: refinement of a start point onto M (MATH.md §1).

pub mod refine;
