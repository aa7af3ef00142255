//! The one long-lived thread of the process that calls symbolica (restricted mode: one
//! symbolica thread per user). Every other thread sends a [`Request`] over a channel and waits
//! for a [`Response`]; only our own plain types cross the channel. Before the first request the
//! process takes the per-user lock of [`crate::symbolica_lock`], so a second eosflip process
//! waits instead of aborting. The library sets no environment variables: the binary hides
//! symbolica's banner and silences its log on stdout at startup (`src/main.rs`).

use super::{closed, engine, ClosedForms};
use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::{channel, Sender};
use std::sync::OnceLock;

/// A job for the symbolica thread.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// Partial derivatives of `expr` (symbolica syntax) by each of `vars`.
    Gradient {
        /// The expression.
        expr: String,
        /// Differentiation variables, in order.
        vars: Vec<String>,
    },
    /// `h(t) = expr(point + t·direction)`: the exact `h^(k)(0)` for `k = 0..=max_order`.
    Line {
        /// The expression.
        expr: String,
        /// Its variables.
        vars: Vec<String>,
        /// The point (exact texts, e.g. `1/3`).
        point: Vec<String>,
        /// The direction (exact texts).
        direction: Vec<String>,
        /// Highest order.
        max_order: usize,
    },
    /// Closed forms of λ, η*, c1 and the drift (MATH.md §3, §4, §6).
    ClosedForms {
        /// The expression in symbolica syntax.
        expr: String,
        /// Its variables.
        vars: Vec<String>,
        /// Undeclared functions it uses (`l` in `l(x*y)`).
        abstract_functions: Vec<String>,
        /// A point (variable → exact text), or `None` to keep the point symbolic.
        at: Option<BTreeMap<String, String>>,
    },
    /// Expand, then put over a common denominator.
    Simplify {
        /// The expression.
        expr: String,
    },
    /// `eosflip product`: the general derivation for `l(x1⋯xD)` ([`super::product::general`]).
    ProductGeneral {
        /// Depth D ≥ 2.
        depth: usize,
    },
    /// `eosflip product`: `l', …, l''''` of `expr` (in `z`) and their values at `z_star`.
    ProductEll {
        /// l(z) in symbolica syntax.
        expr: String,
        /// z* (exact text), if known.
        z_star: Option<String>,
    },
}

/// The answer to a [`Request`].
#[derive(Debug, Clone, PartialEq)]
pub enum Response {
    /// Expressions as text.
    Texts(Vec<String>),
    /// Closed forms.
    ClosedForms(Box<ClosedForms>),
    /// `eosflip product`.
    Product(super::product::Answer),
}

type Job = (Request, Sender<Result<Response>>);

static WORKER: OnceLock<Sender<Job>> = OnceLock::new();

fn worker() -> &'static Sender<Job> {
    WORKER.get_or_init(|| {
        let (tx, rx) = channel::<Job>();
        std::thread::Builder::new()
            .name("eosflip-symbolica".into())
            .spawn(move || {
                for (request, reply) in rx {
                    let _ = reply.send(handle(request));
                }
            })
            .expect("spawning the symbolica worker thread");
        tx
    })
}

fn handle(request: Request) -> Result<Response> {
    catch_unwind(AssertUnwindSafe(|| dispatch(request))).unwrap_or_else(|_| {
        Err(Error::bad_input(
            "symbolica could not process the expression (internal panic)",
            "simplify the expression, or report it with the expression that caused it",
        ))
    })
}

fn dispatch(request: Request) -> Result<Response> {
    match request {
        Request::Gradient { expr, vars } => Ok(Response::Texts(engine::gradient(&expr, &vars)?)),
        Request::Line {
            expr,
            vars,
            point,
            direction,
            max_order,
        } => Ok(Response::Texts(engine::line_derivatives(
            &expr, &vars, &point, &direction, max_order,
        )?)),
        Request::ClosedForms {
            expr,
            vars,
            abstract_functions,
            at,
        } => Ok(Response::ClosedForms(Box::new(closed::derive(
            &expr,
            &vars,
            &abstract_functions,
            at.as_ref(),
        )?))),
        Request::Simplify { expr } => Ok(Response::Texts(vec![engine::simplify(&expr)?])),
        Request::ProductGeneral { depth } => Ok(Response::Product(
            super::product::Answer::General(Box::new(super::product::general(depth)?)),
        )),
        Request::ProductEll { expr, z_star } => Ok(Response::Product(super::product::Answer::Ell(
            super::product::ell_jet(&expr, z_star.as_deref())?,
        ))),
    }
}

/// Sends `request` to the symbolica thread and waits for the answer (callable from any thread).
pub fn call(request: Request) -> Result<Response> {
    let (tx, rx) = channel();
    let lost = || {
        Error::bad_input(
            "the symbolica worker thread is not available",
            "restart eosflip; if it persists, report it",
        )
    };
    // One process of the user at a time (restricted mode): the lock before the first call.
    crate::symbolica_lock::ensure_held()?;
    worker().send((request, tx)).map_err(|_| lost())?;
    rx.recv().map_err(|_| lost())?
}
