//! `eosflip product`: product-stability as a derived reduction (docs/math.md §3, §5, §6;
//! `theorems/product_stability.md`, `theorems/product_depth.md`). All logic is in
//! [`eosflip::product`]; this file parses, prints and maps to exit codes.

use eosflip::{Error, Result};

/// Arguments of `eosflip product`.
#[derive(Debug, clap::Args)]
pub struct ProductArgs {
    /// A catalog scalar loss: squared, minimalist, logistic, logcosh, pseudo_huber.
    #[arg(long, value_name = "NAME", conflicts_with = "ell_expr")]
    pub ell: Option<String>,
    /// Parameter of the catalog link, `t=V` or `p=V` (repeatable; defaults t = 1, p = 3/4).
    #[arg(long = "param", value_name = "K=V", requires = "ell", value_parser = super::values::param)]
    pub params: Vec<(String, String)>,
    /// Any smooth loss in the variable z with an interior minimum, e.g. "(z-1)^2/2 + (z-1)^4".
    #[arg(long, value_name = "EXPR", allow_hyphen_values = true)]
    pub ell_expr: Option<String>,
    /// Depth D of L = l(x1⋯xD), 2 to 6.
    #[arg(long, default_value_t = 2)]
    pub depth: usize,
    /// The minimizer z* of l (exact text); default: the catalog's, else found numerically.
    #[arg(long, value_name = "Z", allow_hyphen_values = true)]
    pub zstar: Option<String>,
    /// Instead: eosflip's search for links showing that α > 0 is neither necessary nor
    /// sufficient, and that the balanced flip type can change with D.
    #[arg(long, conflicts_with_all = ["ell", "ell_expr"])]
    pub examples: bool,
}

#[cfg(not(feature = "symbolic"))]
pub fn run(
    _: &ProductArgs,
    _: &super::Ctx,
    _: &mut dyn std::io::Write,
) -> Result<super::ExitStatus> {
    Err(Error::bad_input(
        "this eosflip was built without the `symbolic` feature (symbolica)",
        "rebuild with default features",
    ))
}

#[cfg(feature = "symbolic")]
fn source(args: &ProductArgs) -> Result<eosflip::product::reduce::EllSource> {
    use eosflip::loss::catalog::link::Link;
    use eosflip::product::reduce::EllSource;
    if let Some(e) = &args.ell_expr {
        if let Some((k, v)) = args.params.first() {
            return Err(Error::bad_input(
                format!("--param {k}={v} is not used with --ell-expr (it sets a parameter of a catalog link)"),
                format!("write the value into the expression, e.g. --ell-expr \"{}\"", e.replace(k.as_str(), v)),
            ));
        }
        return Ok(EllSource::Expr(e.clone()));
    }
    let Some(name) = &args.ell else {
        return Err(Error::bad_input(
            "eosflip product needs --ell NAME, --ell-expr EXPR or --examples",
            format!("NAME is one of: {}", Link::NAMES.join(", ")),
        ));
    };
    let mut params = std::collections::BTreeMap::new();
    for (k, v) in &args.params {
        let p = format!("{k}={v}");
        let v = eosflip::loss::expr::eval_text(v, &[]).map_err(|e| {
            Error::bad_input(
                format!("--param {p}: not a number ({e})"),
                "e.g. --param p=1/4",
            )
        })?;
        params.insert(k.trim().to_string(), v);
    }
    let t = params.get("t").copied().unwrap_or(1.0);
    let p = params.get("p").copied().unwrap_or(0.75);
    let allowed: &[&str] = match name.as_str() {
        "squared" | "logcosh" | "pseudo_huber" => &["t"],
        "logistic" => &["p"],
        _ => &[],
    };
    if let Some(k) = params.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(Error::bad_input(
            format!("--param {k} is not a parameter of --ell {name}"),
            "t belongs to squared, logcosh, pseudo_huber; p to logistic (in (0, 1))",
        ));
    }
    Ok(EllSource::Catalog(match name.as_str() {
        "squared" => Link::Squared { t },
        "minimalist" => Link::Minimalist,
        "logistic" if p > 0.0 && p < 1.0 => Link::Logistic { p },
        "logistic" => {
            return Err(Error::bad_input(
                format!("--param p={p}: the soft label must lie in (0, 1)"),
                "e.g. --param p=3/4",
            ))
        }
        "logcosh" => Link::LogCosh { t },
        "pseudo_huber" => Link::PseudoHuber { t },
        other => {
            return Err(Error::bad_input(
                format!("--ell {other}: not a catalog scalar loss"),
                format!(
                    "NAME is one of: {} (or use --ell-expr)",
                    Link::NAMES.join(", ")
                ),
            ))
        }
    }))
}

/// `eosflip product ...` (see [`ProductArgs`]).
#[cfg(feature = "symbolic")]
pub fn run(
    args: &ProductArgs,
    ctx: &super::Ctx,
    w: &mut dyn std::io::Write,
) -> Result<super::ExitStatus> {
    use super::{write_json, ExitStatus, Format};
    let io = super::out::io;
    if args.examples {
        let ex = eosflip::product::examples::find()?;
        if ctx.format == Format::Table {
            write!(w, "{ex}").map_err(io)?;
        } else {
            write_json(w, ctx.format, &ex).map_err(io)?;
        }
        return Ok(ExitStatus::Success);
    }
    let src = source(args)?;
    super::symbolic::notice();
    let r = eosflip::product::reduce::reduce(&src, args.depth, args.zstar.as_deref())?;
    if ctx.format == Format::Table {
        write!(w, "{r}").map_err(io)?;
    } else {
        write_json(w, ctx.format, &r).map_err(io)?;
    }
    // Failed when a closed form disagrees with the numeric core or a derivation check failed.
    let d = &r.derivation;
    let ok = r.max_c1_rel_err <= 1e-8
        && d.line_verified
        && d.q_free_of_s
        && d.q0_is_alpha
        && d.c1_agrees
        && d.drift_agrees
        && r.endpoint_checks.iter().all(|e| e.sign_change);
    Ok(ExitStatus::met(ok))
}
