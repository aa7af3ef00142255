//! The one explicitly built rayon pool of the numeric core (never rayon's global pool).
//!
//! Work split over it is deterministic: each task writes its own output, in a fixed order, so
//! results do not depend on the number of threads. The size is set once by
//! [`set_threads`] (the CLI's choice) before first use; by default it is the number of
//! available cores, at most 8.

use std::sync::OnceLock;

static POOL: OnceLock<rayon::ThreadPool> = OnceLock::new();
static THREADS: OnceLock<usize> = OnceLock::new();

/// Sets the pool size (≥ 1); has no effect once the pool is built. Returns whether it took.
pub fn set_threads(n: usize) -> bool {
    POOL.get().is_none() && THREADS.set(n.max(1)).is_ok()
}

/// The pool.
pub fn pool() -> &'static rayon::ThreadPool {
    POOL.get_or_init(|| {
        let n = *THREADS.get_or_init(|| {
            std::thread::available_parallelism()
                .map_or(1, |n| n.get())
                .min(8)
        });
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .thread_name(|i| format!("eosflip-numeric-{i}"))
            .build()
            .expect("building a thread pool of a few threads")
    })
}
