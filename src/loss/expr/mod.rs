//! Text losses: parsing, validation and an expression graph evaluated over dual numbers
//! (docs/math.md §1–2). No computer algebra here: the gradient arrives as text (from symbolica, in
//! [`crate::symbolic`], behind the `symbolic` feature) and is compiled once into a [`Graph`].
//!
//! - [`budget`]: size, exponent, digit and nesting limits, checked before symbolic work;
//! - [`parse`](mod@parse): syntax (`^` and `**`, exact decimals, carets in errors);
//! - [`front`]: functions (non-smooth ones rejected: assumption A1), variables, parameters;
//! - [`graph`]: the DAG with shared subexpressions, evaluated generically over
//!   `num_dual::DualNum<Primitive = f64>`;
//! - [`ExprLoss`]: a [`Loss`] made of a value graph and a gradient graph.

pub mod budget;
pub mod front;
pub mod graph;
pub mod parse;
pub mod rational;

pub use front::{prepare, Prepared};
pub use graph::Graph;

use crate::error::{Error, Result};
use crate::loss::{Loss, Scalar};
use graph::NodeId;

/// A loss given as text, with its gradient compiled into one shared [`Graph`] (docs/math.md §2).
#[derive(Debug, Clone)]
pub struct ExprLoss {
    source: String,
    order_source: String,
    graph: Graph,
    value: NodeId,
    grad: Vec<NodeId>,
    value_schedule: Vec<NodeId>,
    grad_schedule: Vec<NodeId>,
}

impl ExprLoss {
    /// Builds the loss from a prepared expression and the texts of its partial derivatives
    /// (one per variable, in the order of `prepared.vars`), e.g. as printed by symbolica.
    pub fn new(prepared: &Prepared, gradient: &[String]) -> Result<ExprLoss> {
        if gradient.len() != prepared.vars.len() {
            return Err(Error::bad_input(
                format!(
                    "{} gradient components for {} variables",
                    gradient.len(),
                    prepared.vars.len()
                ),
                "give one partial derivative per variable",
            ));
        }
        let mut graph = Graph::new(prepared.vars.clone());
        let value = graph.add_ast(&prepared.ast)?;
        let grad = gradient
            .iter()
            .map(|text| graph.add_ast(&parse::parse(text)?))
            .collect::<Result<Vec<_>>>()?;
        Ok(ExprLoss {
            source: prepared.source.clone(),
            order_source: prepared.order_source.to_string(),
            value_schedule: graph.schedule(&[value]),
            grad_schedule: graph.schedule(&grad),
            graph,
            value,
            grad,
        })
    }

    /// The expression as the user gave it.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The variables in parameter order.
    pub fn vars(&self) -> &[String] {
        self.graph.vars()
    }

    /// Where the variable order came from (`--vars` or first appearance).
    pub fn order_source(&self) -> &str {
        &self.order_source
    }

    /// The shared graph (value and gradient).
    pub fn graph(&self) -> &Graph {
        &self.graph
    }

    /// Checks that value and gradient are finite at `point`; otherwise names the first term
    /// that is not (log of 0, division by 0, …).
    pub fn check_finite(&self, point: &[f64]) -> Result<()> {
        crate::analyze::validate_point(point, self.dim())?;
        for (schedule, what) in [
            (&self.value_schedule, "the loss"),
            (&self.grad_schedule, "the gradient"),
        ] {
            if let Some(id) = self.graph.first_non_finite(schedule, point) {
                let at: Vec<String> = self
                    .vars()
                    .iter()
                    .zip(point)
                    .map(|(v, x)| format!("{v}={x}"))
                    .collect();
                return Err(Error::bad_input(
                    format!(
                        "{what} of '{}' is not finite at {}: the term {} is {}",
                        self.source,
                        at.join(", "),
                        self.graph.node_text(id, 160),
                        self.graph.eval(schedule, point)[id]
                    ),
                    "choose a point inside the domain of every function (log of a positive number, \
                     no division by zero)",
                ));
            }
        }
        Ok(())
    }
}

impl Loss for ExprLoss {
    fn dim(&self) -> usize {
        self.graph.vars().len()
    }
    fn value<D: Scalar>(&self, theta: &[D]) -> D {
        self.graph.eval(&self.value_schedule, theta)[self.value]
    }
    fn gradient<D: Scalar>(&self, theta: &[D]) -> Vec<D> {
        let v = self.graph.eval(&self.grad_schedule, theta);
        self.grad.iter().map(|&id| v[id]).collect()
    }
}

/// Evaluates a constant or variable expression given as text at `values` (name → value), in
/// `f64`. Used to check printed closed forms numerically (tests, CLI cross-checks).
pub fn eval_text(text: &str, values: &[(&str, f64)]) -> Result<f64> {
    let ast = parse::parse(text)?;
    let names: Vec<String> = values.iter().map(|(n, _)| n.to_string()).collect();
    let mut graph = Graph::new(names);
    let id = graph.add_ast(&ast)?;
    let x: Vec<f64> = values.iter().map(|(_, v)| *v).collect();
    Ok(graph.eval(&graph.schedule(&[id]), &x)[id])
}
