//! The built-in catalog: named losses with documented parameters, minimizer sets and default
//! analysis points (docs/math.md §1, §6). `eosflip list` prints [`ENTRIES`].

pub mod factorization;
pub mod link;
pub mod mlp;
pub mod one_dim;
pub mod params;
pub mod polynomial;
pub mod product;

use crate::error::{Error, Result};
use crate::loss::{Loss, Scalar};
use factorization::Factorization;
use link::Link;
use mlp::{Activation, Mlp};
use one_dim::{DoubleWell, Parabolic, Quartic1d, Separable, Tilted};
use params::{ParamReader, ParamSpec};
use polynomial::Polynomial;
use product::Product;
use std::collections::BTreeMap;

/// Documentation of one catalog entry.
#[derive(Debug, Clone, Copy)]
pub struct EntrySpec {
    /// Name used with `--loss`.
    pub name: &'static str,
    /// The formula.
    pub formula: &'static str,
    /// Its parameters with defaults.
    pub params: &'static [ParamSpec],
    /// The minimizer set M near the default point.
    pub minimizers: &'static str,
    /// How the default analysis point is chosen.
    pub default_point: &'static str,
}

/// Every catalog entry, in the order `eosflip list` prints them.
pub const ENTRIES: &[EntrySpec] = &[
    EntrySpec {
        name: "quartic1d",
        formula: "f(x) = k2*x^2/2 + k3*x^3/6 + k4*x^4/24",
        params: &[
            ParamSpec { name: "k2", default: "1", doc: "f''(0), > 0" },
            ParamSpec { name: "k3", default: "1", doc: "f'''(0), any real" },
            ParamSpec { name: "k4", default: "1", doc: "f''''(0), any real" },
        ],
        minimizers: "isolated minimizer x = 0 (m = 0)",
        default_point: "x = 0",
    },
    EntrySpec {
        name: "double_well",
        formula: "f(x) = (x^2 - 1)^2/4  (Chen & Bruna)",
        params: &[],
        minimizers: "isolated minimizers x = +1 and x = -1 (m = 0)",
        default_point: "x = 1",
    },
    EntrySpec {
        name: "separable",
        formula: "L = sum_i k2_i x_i^2/2 + k3_i x_i^3/6 + k4_i x_i^4/24",
        params: &[
            ParamSpec { name: "k2", default: "2,1", doc: "comma list, one per coordinate, each >= 0 (0 only with k3_i = 0, k4_i > 0)" },
            ParamSpec { name: "k3", default: "1,0", doc: "comma list of the same length" },
            ParamSpec { name: "k4", default: "1,0", doc: "comma list of the same length" },
        ],
        minimizers: "isolated minimizer theta = 0 (m = 0); equal k2_i give a repeated eigenvalue, k2_i = 0 a degenerate minimum",
        default_point: "theta = 0",
    },
    EntrySpec {
        name: "tilted",
        formula: "L(x, y) = (1 + kappa*y) x^2/2 + q x^4/24",
        params: &[
            ParamSpec { name: "kappa", default: "0.3", doc: "slope of the sharpness along M, != 0" },
            ParamSpec { name: "q", default: "-1", doc: "quartic coefficient, < 0 (c1 = -eta q/6 > 0)" },
            ParamSpec { name: "y", default: "3", doc: "y of the default point (0, y); 1 + kappa*y > 0" },
        ],
        minimizers: "M = {x = 0, 1 + kappa*y > 0}, dimension 1; sharpness 1 + kappa*y along M",
        default_point: "(0, y)",
    },
    EntrySpec {
        name: "parabolic",
        formula: "L(x, y) = (1 + a*y^2) x^2/2 + q x^4/24 + b*y*x^4 + r x^6/720",
        params: &[
            ParamSpec { name: "a", default: "0.5", doc: "curvature of the sharpness along M, != 0 (A6 holds for a > 0, fails for a < 0)" },
            ParamSpec { name: "q", default: "-1", doc: "quartic coefficient (c1 = -eta q/6; 0: degenerate flip)" },
            ParamSpec { name: "b", default: "0", doc: "coupling y x^4 (a p^4 drift of the foot point)" },
            ParamSpec { name: "r", default: "0", doc: "sextic coefficient (c2 = 6b^2/a - r/60 when q = 0)" },
        ],
        minimizers: "M = {x = 0, 1 + a*y^2 > 0}, dimension 1; sharpness 1 + a*y^2, stationary on M at the origin",
        default_point: "(0, 0)",
    },
    EntrySpec {
        name: "product",
        formula: "L(x) = l(x1*...*xD)",
        params: &[
            ParamSpec { name: "depth", default: "2", doc: "D, integer in [2, 64]" },
            ParamSpec {
                name: "l",
                default: "squared",
                doc: "squared (z-t)^2/2 | minimalist (z^2-1)^2/4 | logistic softplus(z)-p*z | \
                      logcosh log(cosh(z-t)) | pseudo_huber sqrt(1+(z-t)^2)-1",
            },
            ParamSpec { name: "t", default: "1", doc: "target of squared, logcosh, pseudo_huber" },
            ParamSpec { name: "p", default: "0.75", doc: "soft label of logistic, in (0, 1); z* = logit p" },
        ],
        minimizers: "M = {x1*...*xD = z*}, dimension D - 1 where at most one coordinate vanishes",
        default_point: "unbalanced point of M: a = |z*|^(1/D), x = (2a, sign(z*)a/2, a, ..., a); (2, 0, 1, ..., 1) if z* = 0",
    },
    EntrySpec {
        name: "factorization",
        formula: "L(U, V) = |U V^T - Y|_F^2 / 2,  Y = U0 V0^T seeded",
        params: &[
            ParamSpec { name: "n", default: "3", doc: "rows of U and Y, integer in [1, 40]" },
            ParamSpec { name: "m", default: "2", doc: "rows of V (columns of Y), integer in [1, 40]" },
            ParamSpec { name: "r", default: "1", doc: "inner rank, integer in [1, min(n, m)]" },
            ParamSpec { name: "seed", default: "1", doc: "seed of the standard normal factors U0, V0" },
        ],
        minimizers: "M = {U V^T = Y}, dimension r^2; theta = (U row-major, V row-major)",
        default_point: "the seeded factors (U0, V0)",
    },
    EntrySpec {
        name: "polynomial",
        formula: "L = th^T Q0 th/2 + sum_k mu_k u^2/2 + c_k u^3/6 + d_k u^4/24,  u = w_k.th  (strongly convex)",
        params: &[
            ParamSpec { name: "dim", default: "3", doc: "number of variables P, integer in [1, 200]" },
            ParamSpec { name: "terms", default: "4", doc: "number of ridge terms, integer in [0, 400]" },
            ParamSpec { name: "seed", default: "1", doc: "seed of Q0, w_k, mu_k, c_k, d_k" },
        ],
        minimizers: "isolated minimizer theta = 0 (m = 0)",
        default_point: "theta = 0",
    },
    EntrySpec {
        name: "mlp",
        formula: "L = (1/2n) sum_i (f(x_i) - y_i)^2,  f(x) = sum_j a_j s(w_j.x + b_j),  teacher targets y_i",
        params: &[
            ParamSpec { name: "inputs", default: "2", doc: "input dimension d, integer in [1, 10000]" },
            ParamSpec { name: "width", default: "3", doc: "hidden units h, integer in [1, 100000]; P = h(d + 2) (P > 1500: the matrix-free backend; deeper networks: --model)" },
            ParamSpec { name: "samples", default: "4", doc: "data points n, integer in [1, 100000]; n < P for a manifold of minimizers; work budget n·P·(Hessian-vector products) ≤ 1e10" },
            ParamSpec { name: "activation", default: "tanh", doc: "s: tanh | softplus | sigmoid | gelu_tanh | identity (smooth, A1)" },
            ParamSpec { name: "seed", default: "1", doc: "seed of the standard normal inputs and teacher parameters" },
            ParamSpec { name: "init", default: "teacher", doc: "default point: teacher | fitted (Gauss-Newton fit of the data from a seeded normal start, seed + 1)" },
        ],
        minimizers: "M = {f(x_i) = y_i for all i}, dimension P - n near the teacher for generic data; theta = (W row-major, b, a)",
        default_point: "the teacher's parameters (zero loss), or with init=fitted a point of M reached from a seeded start",
    },
];

/// A catalog loss (static dispatch over the entries).
#[derive(Debug, Clone, PartialEq)]
pub enum CatalogLoss {
    /// `quartic1d`.
    Quartic1d(Quartic1d),
    /// `double_well`.
    DoubleWell(DoubleWell),
    /// `separable`.
    Separable(Separable),
    /// `tilted`.
    Tilted(Tilted),
    /// `parabolic`.
    Parabolic(Parabolic),
    /// `product`.
    Product(Product),
    /// `factorization`.
    Factorization(Factorization),
    /// `polynomial`.
    Polynomial(Polynomial),
    /// `mlp`.
    Mlp(Mlp),
}

macro_rules! dispatch {
    ($self:ident, $l:ident => $e:expr) => {
        match $self {
            CatalogLoss::Quartic1d($l) => $e,
            CatalogLoss::DoubleWell($l) => $e,
            CatalogLoss::Separable($l) => $e,
            CatalogLoss::Tilted($l) => $e,
            CatalogLoss::Parabolic($l) => $e,
            CatalogLoss::Product($l) => $e,
            CatalogLoss::Factorization($l) => $e,
            CatalogLoss::Polynomial($l) => $e,
            CatalogLoss::Mlp($l) => $e,
        }
    };
}

impl Loss for CatalogLoss {
    fn dim(&self) -> usize {
        dispatch!(self, l => l.dim())
    }
    fn value<D: Scalar>(&self, theta: &[D]) -> D {
        dispatch!(self, l => l.value(theta))
    }
    fn gradient<D: Scalar>(&self, theta: &[D]) -> Vec<D> {
        dispatch!(self, l => l.gradient(theta))
    }
}

/// A built catalog loss with its resolved parameters and default point.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogInstance {
    /// Entry name.
    pub name: String,
    /// Parameters with defaults filled in.
    pub params: BTreeMap<String, String>,
    /// The loss.
    pub loss: CatalogLoss,
    /// The default analysis point (on M).
    pub default_point: Vec<f64>,
}

/// Looks up an entry by name.
pub fn entry(name: &str) -> Result<&'static EntrySpec> {
    ENTRIES.iter().find(|e| e.name == name).ok_or_else(|| {
        let names: Vec<&str> = ENTRIES.iter().map(|e| e.name).collect();
        Error::bad_input(
            format!("unknown loss '{name}'"),
            format!("catalog losses: {} (see `eosflip list`)", names.join(", ")),
        )
    })
}

/// Builds entry `name` with parameters `given` (unknown keys and out-of-range values are errors).
pub fn build(name: &str, given: &BTreeMap<String, String>) -> Result<CatalogInstance> {
    let spec = entry(name)?;
    let rd = ParamReader::new(spec.name, spec.params, given)?;
    let (loss, default_point) = match spec.name {
        "quartic1d" => {
            let k2 = rd.real_where("k2", |v| v > 0.0, "> 0")?;
            let q = Quartic1d {
                k2,
                k3: rd.real("k3")?,
                k4: rd.real("k4")?,
            };
            (CatalogLoss::Quartic1d(q), vec![0.0])
        }
        "double_well" => (CatalogLoss::DoubleWell(DoubleWell), vec![1.0]),
        "separable" => {
            let s = build_separable(&rd)?;
            let x0 = vec![0.0; s.terms.len()];
            (CatalogLoss::Separable(s), x0)
        }
        "tilted" => {
            let kappa = rd.real_where("kappa", |v| v != 0.0, "!= 0")?;
            let q = rd.real_where("q", |v| v < 0.0, "< 0")?;
            let y = rd.real_where("y", |v| 1.0 + kappa * v > 0.0, "such that 1 + kappa*y > 0")?;
            (CatalogLoss::Tilted(Tilted { kappa, q }), vec![0.0, y])
        }
        "parabolic" => {
            let p = Parabolic {
                a: rd.real_where("a", |v| v != 0.0, "!= 0")?,
                q: rd.real("q")?,
                b: rd.real("b")?,
                r: rd.real("r")?,
            };
            (CatalogLoss::Parabolic(p), vec![0.0, 0.0])
        }
        "product" => {
            let p = Product {
                depth: rd.integer("depth", 2, 64)? as usize,
                link: build_link(&rd)?,
            };
            let x0 = p.default_point();
            (CatalogLoss::Product(p), x0)
        }
        "factorization" => {
            let n = rd.integer("n", 1, 40)? as usize;
            let m = rd.integer("m", 1, 40)? as usize;
            let r = rd.integer("r", 1, n.min(m) as u64)? as usize;
            let f = Factorization::seeded(n, m, r, rd.integer("seed", 0, u64::MAX)?);
            let x0 = f.seed_point.clone();
            (CatalogLoss::Factorization(f), x0)
        }
        "polynomial" => {
            let dim = rd.integer("dim", 1, 200)? as usize;
            let terms = rd.integer("terms", 0, 400)? as usize;
            let poly = Polynomial::seeded(dim, terms, rd.integer("seed", 0, u64::MAX)?);
            (CatalogLoss::Polynomial(poly), vec![0.0; dim])
        }
        "mlp" => {
            let d = rd.integer("inputs", 1, 10_000)? as usize;
            let h = rd.integer("width", 1, 100_000)? as usize;
            let n = rd.integer("samples", 1, 100_000)? as usize;
            if (h as f64) * (d as f64 + 2.0) > 1e7 || (n as f64) * (d as f64) > 1e8 {
                return Err(Error::bad_input(
                    format!("mlp with inputs={d}, width={h}, samples={n}: P = {} parameters and {} data values exceed the budget (P ≤ 1e7, n·d ≤ 1e8)", h * (d + 2), n * d),
                    "use a smaller network, or a model file (--model) for deep or large networks",
                ));
            }
            mlp::work_budget(d, h, n)?;
            let name = rd.text("activation").trim().to_string();
            let act = Activation::from_name(&name).ok_or_else(|| {
                Error::bad_input(
                    format!("unknown activation '{name}' for loss 'mlp'"),
                    format!(
                        "activation is one of: {} (smooth: A1)",
                        Activation::NAMES.join(", ")
                    ),
                )
            })?;
            let seed = rd.integer("seed", 0, u64::MAX)?;
            let mlp = Mlp::seeded(d, h, n, act, seed);
            let x0 = match rd.text("init").trim() {
                "teacher" => mlp.teacher.clone(),
                "fitted" => fitted_point(&mlp, seed)?,
                other => {
                    return Err(Error::bad_input(
                        format!("unknown init '{other}' for loss 'mlp'"),
                        "init is teacher or fitted",
                    ))
                }
            };
            (CatalogLoss::Mlp(mlp), x0)
        }
        other => unreachable!("entry '{other}' is in ENTRIES but has no builder"),
    };
    Ok(CatalogInstance {
        name: spec.name.to_string(),
        params: rd.resolved(),
        loss,
        default_point,
    })
}

/// The `init=fitted` default point of `mlp`: a Gauss–Newton fit from the seed `seed + 1`.
fn fitted_point(mlp: &Mlp, seed: u64) -> Result<Vec<f64>> {
    let fit = mlp.fit(seed.wrapping_add(1), 200);
    if fit.converged {
        return Ok(fit.point);
    }
    Err(Error::bad_input(
        format!(
            "mlp init=fitted: Gauss-Newton did not fit the data (residual {:.3e} after {} steps)",
            fit.residual, fit.steps
        ),
        "try another seed, or init=teacher (the teacher is always a point of M)",
    ))
}

/// Reads the coefficient lists of `separable`.
fn build_separable(rd: &ParamReader<'_>) -> Result<Separable> {
    let (k2, k3, k4) = (rd.reals("k2")?, rd.reals("k3")?, rd.reals("k4")?);
    if k3.len() != k2.len() || k4.len() != k2.len() || k2.len() > 200 {
        return Err(Error::bad_input(
            format!("separable: k2, k3, k4 have {}, {}, {} entries", k2.len(), k3.len(), k4.len()),
            "give lists of equal length (at most 200), e.g. --param k2=1,1 --param k3=0,0 --param k4=1,1",
        ));
    }
    for i in 0..k2.len() {
        let degenerate_min = k2[i] == 0.0 && k3[i] == 0.0 && k4[i] > 0.0;
        if !(k2[i] > 0.0 || degenerate_min) {
            return Err(Error::bad_input(
                format!(
                    "separable: coordinate {i} has k2 = {}, k3 = {}, k4 = {}: 0 is not a minimizer",
                    k2[i], k3[i], k4[i]
                ),
                "each k2_i must be > 0, or k2_i = 0 with k3_i = 0 and k4_i > 0",
            ));
        }
    }
    let terms = (0..k2.len())
        .map(|i| Quartic1d {
            k2: k2[i],
            k3: k3[i],
            k4: k4[i],
        })
        .collect();
    Ok(Separable { terms })
}

/// Reads `l`, `t`, `p` of a product loss; a parameter the chosen link does not use is an error.
fn build_link(rd: &ParamReader<'_>) -> Result<Link> {
    let name = rd.text("l").trim().to_string();
    let uses_t = matches!(name.as_str(), "squared" | "logcosh" | "pseudo_huber");
    let uses_p = name == "logistic";
    for (param, used) in [("t", uses_t), ("p", uses_p)] {
        if rd.is_given(param) && !used {
            return Err(Error::bad_input(
                format!("parameter '{param}' is not used by l={name}"),
                "t is used by squared, logcosh and pseudo_huber; p by logistic",
            ));
        }
    }
    Ok(match name.as_str() {
        "squared" => Link::Squared { t: rd.real("t")? },
        "minimalist" => Link::Minimalist,
        "logistic" => Link::Logistic {
            p: rd.real_where("p", |v| v > 0.0 && v < 1.0, "in (0, 1)")?,
        },
        "logcosh" => Link::LogCosh { t: rd.real("t")? },
        "pseudo_huber" => Link::PseudoHuber { t: rd.real("t")? },
        other => {
            return Err(Error::bad_input(
                format!("unknown scalar loss l='{other}' for loss 'product'"),
                format!("l is one of: {}", Link::NAMES.join(", ")),
            ))
        }
    })
}
