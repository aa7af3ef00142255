//! The one long-lived thread of the process that calls symbolica (restricted mode: one
//! symbolica thread per user). Every other thread sends a [`Request`] over a channel and waits
//! for a [`Response`]; only our own plain types cross the channel. Before the first request the
//! process takes the per-user lock of [`crate::symbolica_lock`], so a second eosflip process
//! waits instead of aborting. A panic inside symbolica is caught on the worker (quietly: no
//! backtrace) and reported as an internal error naming the input; a request that runs past the
//! time budget is abandoned with a budget error. The library sets no environment variables: the binary hides
//! symbolica's banner and silences its log on stdout at startup (`src/main.rs`).

use super::{closed, engine, ClosedForms};
use crate::error::{Error, Result};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{channel, RecvTimeoutError, Sender};
use std::sync::{Once, OnceLock};
use std::time::Duration;

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

/// Name of the worker thread (the quiet panic hook recognises it).
const THREAD_NAME: &str = "eosflip-symbolica";

/// How long one request may run before the caller gives up (see [`set_time_budget`]).
static TIME_BUDGET_MS: AtomicU64 = AtomicU64::new(DEFAULT_TIME_BUDGET.as_millis() as u64);
/// Set when a request ran past its time budget: the worker is still busy with it.
static OVERRUN: AtomicBool = AtomicBool::new(false);

/// The default time budget of one symbolic request (README, limits).
pub const DEFAULT_TIME_BUDGET: Duration = Duration::from_secs(60);

/// Sets the time budget of one symbolic request (a front end may expose it, e.g. from an
/// environment variable); a request that runs longer is abandoned with [`Error::Budget`].
pub fn set_time_budget(budget: Duration) {
    TIME_BUDGET_MS.store(budget.as_millis().max(1) as u64, Ordering::Relaxed);
}

thread_local! {
    /// The message of the last panic on this thread (set by the quiet hook).
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs (once) a panic hook that keeps panics on the worker thread quiet — no message, no
/// backtrace: they are reported as [`Error::Internal`] — and passes every other panic to the
/// hook that was there before.
fn install_quiet_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current().name() == Some(THREAD_NAME) {
                let msg = info
                    .payload()
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| info.payload().downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "a panic".into());
                LAST_PANIC.with(|p| *p.borrow_mut() = Some(msg));
            } else {
                previous(info);
            }
        }));
    });
}

fn worker() -> &'static Sender<Job> {
    WORKER.get_or_init(|| {
        install_quiet_hook();
        let (tx, rx) = channel::<Job>();
        std::thread::Builder::new()
            .name(THREAD_NAME.into())
            .spawn(move || {
                for (request, reply) in rx {
                    let _ = reply.send(handle(request));
                }
            })
            .expect("spawning the symbolica worker thread");
        tx
    })
}

/// The expression a request is about (for error messages), shortened.
fn input_of(request: &Request) -> String {
    let text = match request {
        Request::Gradient { expr, .. }
        | Request::Line { expr, .. }
        | Request::ClosedForms { expr, .. }
        | Request::Simplify { expr } => expr.as_str(),
        #[allow(unreachable_patterns)]
        _ => "",
    };
    if text.chars().count() > 120 {
        text.chars().take(120).collect::<String>() + "…"
    } else {
        text.to_string()
    }
}

/// Runs `job`; a panic inside it becomes [`Error::Internal`] naming `input`.
pub fn caught<T>(input: &str, job: impl FnOnce() -> Result<T>) -> Result<T> {
    catch_unwind(AssertUnwindSafe(job)).unwrap_or_else(|payload| {
        let msg = LAST_PANIC
            .with(|p| p.borrow_mut().take())
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".into());
        Err(Error::Internal {
            what: format!("internal error in the symbolic engine on input '{input}' ({msg})"),
            hint: "please report it with this input; meanwhile use a catalog loss or simplify the \
                   expression"
                .into(),
        })
    })
}

fn handle(request: Request) -> Result<Response> {
    let input = input_of(&request);
    caught(&input, || dispatch(request))
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

/// Sends `request` to the symbolica thread and waits for the answer (callable from any thread),
/// at most the time budget ([`set_time_budget`]); after an overrun the worker is still busy,
/// so later requests of the process are refused at once.
pub fn call(request: Request) -> Result<Response> {
    let (tx, rx) = channel();
    let lost = || {
        Error::bad_input(
            "the symbolica worker thread is not available",
            "restart eosflip; if it persists, report it",
        )
    };
    let budget = Duration::from_millis(TIME_BUDGET_MS.load(Ordering::Relaxed));
    let over = |input: &str| Error::Budget {
        what: format!("the symbolic computation on '{input}' did not finish"),
        limit: format!(
            "time budget {:.0} s per symbolic request",
            budget.as_secs_f64()
        ),
        hint: "simplify the expression, use `eosflip analyze --expr` (no closed forms) or a \
               catalog loss; or raise the budget with EOSFLIP_SYMBOLIC_SECONDS"
            .into(),
    };
    let input = input_of(&request);
    if OVERRUN.load(Ordering::Relaxed) {
        return Err(over(&input));
    }
    // One process of the user at a time (restricted mode): the lock before the first call.
    crate::symbolica_lock::ensure_held()?;
    worker().send((request, tx)).map_err(|_| lost())?;
    match rx.recv_timeout(budget) {
        Ok(answer) => answer,
        Err(RecvTimeoutError::Timeout) => {
            OVERRUN.store(true, Ordering::Relaxed);
            Err(over(&input))
        }
        Err(RecvTimeoutError::Disconnected) => Err(lost()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A panic on the worker thread is quiet and becomes an internal error naming the input
    /// (no symbolica involved: the job panics by itself).
    #[test]
    fn a_panic_on_the_worker_thread_is_an_internal_error() {
        install_quiet_hook();
        let out = std::thread::Builder::new()
            .name(THREAD_NAME.into())
            .spawn(|| caught::<()>("x^2", || panic!("boom {}", 7)))
            .unwrap()
            .join()
            .unwrap();
        let e = out.unwrap_err();
        assert!(matches!(e, Error::Internal { .. }), "{e:?}");
        let text = e.to_string();
        assert!(
            text.contains("internal error in the symbolic engine on input 'x^2' (boom 7)"),
            "{text}"
        );
        assert!(text.contains("please report"), "{text}");
        assert_eq!(caught("x", || Ok(3)).unwrap(), 3);
    }
}
