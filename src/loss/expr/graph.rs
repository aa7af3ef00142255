//! The expression graph: a DAG of operations with shared subexpressions, evaluated generically
//! over [`Scalar`] (docs/math.md §2: every exact derivative is one pass in a dual-number type).
//!
//! Nodes are hash-consed, so a subexpression that occurs several times (within one formula or
//! across the components of a gradient) is one node and is evaluated once per pass. Nodes are
//! stored in topological order (children before parents).

use super::parse::Ast;
use crate::error::{Error, Result};
use crate::loss::{c, Scalar};
use std::collections::HashMap;

/// Index of a node in a [`Graph`].
pub type NodeId = usize;

/// One operation. Constants and real exponents are stored as `f64` bit patterns so that nodes
/// can be hashed for sharing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Node {
    /// A constant (bits of an `f64`).
    Const(u64),
    /// The `i`-th variable.
    Var(usize),
    /// `a + b`.
    Add(NodeId, NodeId),
    /// `a − b`.
    Sub(NodeId, NodeId),
    /// `a · b`.
    Mul(NodeId, NodeId),
    /// `a / b`.
    Div(NodeId, NodeId),
    /// `−a`.
    Neg(NodeId),
    /// `a^n`, integer n.
    PowI(NodeId, i32),
    /// `a^r`, constant real r (bits of an `f64`).
    PowF(NodeId, u64),
    /// `a^b = exp(b·log a)`, non-constant exponent.
    Pow(NodeId, NodeId),
    /// A function of one argument.
    Fn(Func, NodeId),
}

/// The smooth functions of one argument the graph evaluates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Func {
    /// `exp`.
    Exp,
    /// natural `log`.
    Log,
    /// `sqrt`.
    Sqrt,
    /// `sin`.
    Sin,
    /// `cos`.
    Cos,
    /// `tan`.
    Tan,
    /// `sinh`.
    Sinh,
    /// `cosh`.
    Cosh,
    /// `tanh`.
    Tanh,
}

impl Func {
    /// The function of that name (`ln` = `log`), if it is one of ours.
    pub fn from_name(name: &str) -> Option<Func> {
        Some(match name {
            "exp" => Func::Exp,
            "log" | "ln" => Func::Log,
            "sqrt" => Func::Sqrt,
            "sin" => Func::Sin,
            "cos" => Func::Cos,
            "tan" => Func::Tan,
            "sinh" => Func::Sinh,
            "cosh" => Func::Cosh,
            "tanh" => Func::Tanh,
            _ => return None,
        })
    }
    fn name(self) -> &'static str {
        match self {
            Func::Exp => "exp",
            Func::Log => "log",
            Func::Sqrt => "sqrt",
            Func::Sin => "sin",
            Func::Cos => "cos",
            Func::Tan => "tan",
            Func::Sinh => "sinh",
            Func::Cosh => "cosh",
            Func::Tanh => "tanh",
        }
    }
    fn apply<D: Scalar>(self, a: D) -> D {
        match self {
            Func::Exp => a.exp(),
            Func::Log => a.ln(),
            Func::Sqrt => a.sqrt(),
            Func::Sin => a.sin(),
            Func::Cos => a.cos(),
            Func::Tan => a.tan(),
            Func::Sinh => a.sinh(),
            Func::Cosh => a.cosh(),
            Func::Tanh => a.tanh(),
        }
    }
}

/// A DAG of [`Node`]s over `vars` (docs/math.md §2).
#[derive(Debug, Clone, Default)]
pub struct Graph {
    nodes: Vec<Node>,
    index: HashMap<Node, NodeId>,
    vars: Vec<String>,
}

impl Graph {
    /// An empty graph over the named variables (their order is the parameter order).
    pub fn new(vars: Vec<String>) -> Graph {
        Graph {
            vars,
            ..Graph::default()
        }
    }

    /// Number of distinct nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the graph has no node.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The variable names.
    pub fn vars(&self) -> &[String] {
        &self.vars
    }

    /// Adds `node` unless an identical node exists; returns its id.
    pub fn intern(&mut self, node: Node) -> NodeId {
        if let Some(&id) = self.index.get(&node) {
            return id;
        }
        self.nodes.push(node);
        self.index.insert(node, self.nodes.len() - 1);
        self.nodes.len() - 1
    }

    /// A constant node.
    pub fn constant(&mut self, x: f64) -> NodeId {
        // Normalise −0 so that 0 and −0 share one node.
        let x = if x == 0.0 { 0.0 } else { x };
        self.intern(Node::Const(x.to_bits()))
    }

    fn const_of(&self, id: NodeId) -> Option<f64> {
        match self.nodes[id] {
            Node::Const(bits) => Some(f64::from_bits(bits)),
            _ => None,
        }
    }

    /// Adds a syntax tree (parameters already substituted). `𝑒` is Euler's number, `pi` and `𝜋`
    /// are π (as for symbolica); other names must be variables of the graph.
    pub fn add_ast(&mut self, ast: &Ast) -> Result<NodeId> {
        Ok(match ast {
            Ast::Num(r) => self.constant(r.to_f64()),
            Ast::Var(name, _) => match name.as_str() {
                "𝑒" => self.constant(std::f64::consts::E),
                "𝜋" | "pi" => self.constant(std::f64::consts::PI),
                _ => {
                    let i = self.vars.iter().position(|v| v == name).ok_or_else(|| {
                        Error::bad_input(
                            format!("unknown variable '{name}'"),
                            format!("declare it in --vars (variables: {})", self.vars.join(",")),
                        )
                    })?;
                    self.intern(Node::Var(i))
                }
            },
            Ast::Neg(a) => {
                let a = self.add_ast(a)?;
                match self.const_of(a) {
                    Some(v) => self.constant(-v),
                    None => self.intern(Node::Neg(a)),
                }
            }
            Ast::Bin(op, a, b) => self.add_binary(*op, a, b)?,
            Ast::Call(name, args, _) => {
                let f = Func::from_name(name)
                    .filter(|_| args.len() == 1)
                    .ok_or_else(|| {
                        Error::bad_input(
                            format!(
                                "function '{name}' with {} argument(s) cannot be evaluated",
                                args.len()
                            ),
                            "use exp log sqrt sin cos tan sinh cosh tanh, each of one argument",
                        )
                    })?;
                let a = self.add_ast(&args[0])?;
                self.intern(Node::Fn(f, a))
            }
        })
    }

    fn add_binary(&mut self, op: char, a: &Ast, b: &Ast) -> Result<NodeId> {
        if op == '^' {
            if let Ast::Var(e, _) = a {
                if e == "𝑒" {
                    let b = self.add_ast(b)?;
                    return Ok(self.intern(Node::Fn(Func::Exp, b)));
                }
            }
        }
        let a = self.add_ast(a)?;
        let b = self.add_ast(b)?;
        if let (Some(x), Some(y)) = (self.const_of(a), self.const_of(b)) {
            // Fold arithmetic on constants (e.g. the exponent -1 or 1/2 in `x^-1`, `x^(1/2)`).
            let v = match op {
                '+' => x + y,
                '-' => x - y,
                '*' => x * y,
                '/' => x / y,
                _ if y.fract() == 0.0 && y.abs() <= i32::MAX as f64 => x.powi(y as i32),
                _ => x.powf(y),
            };
            return Ok(self.constant(v));
        }
        Ok(match op {
            '+' => self.intern(Node::Add(a, b)),
            '-' => self.intern(Node::Sub(a, b)),
            '*' => self.intern(Node::Mul(a, b)),
            '/' => self.intern(Node::Div(a, b)),
            _ => match self.const_of(b) {
                Some(e) if e.fract() == 0.0 && e.abs() <= i32::MAX as f64 => {
                    self.intern(Node::PowI(a, e as i32))
                }
                Some(0.5) => self.intern(Node::Fn(Func::Sqrt, a)),
                Some(e) => self.intern(Node::PowF(a, e.to_bits())),
                None => self.intern(Node::Pow(a, b)),
            },
        })
    }

    fn step<D: Scalar>(&self, node: Node, v: &[D], x: &[D]) -> D {
        match node {
            Node::Const(bits) => c(f64::from_bits(bits)),
            Node::Var(i) => x[i],
            Node::Add(a, b) => v[a] + v[b],
            Node::Sub(a, b) => v[a] - v[b],
            Node::Mul(a, b) => v[a] * v[b],
            Node::Div(a, b) => v[a] / v[b],
            Node::Neg(a) => -v[a],
            Node::PowI(a, n) => v[a].powi(n),
            Node::PowF(a, bits) => v[a].powf(f64::from_bits(bits)),
            Node::Pow(a, b) => (v[b] * v[a].ln()).exp(),
            Node::Fn(f, a) => f.apply(v[a]),
        }
    }

    /// The nodes needed for `outputs`, in evaluation order.
    pub fn schedule(&self, outputs: &[NodeId]) -> Vec<NodeId> {
        let mut need = vec![false; self.nodes.len()];
        outputs.iter().for_each(|&o| need[o] = true);
        for id in (0..self.nodes.len()).rev() {
            if need[id] {
                children(self.nodes[id])
                    .into_iter()
                    .flatten()
                    .for_each(|ch| need[ch] = true);
            }
        }
        (0..self.nodes.len()).filter(|&i| need[i]).collect()
    }

    /// Evaluates the scheduled nodes at `x` (one pass); returns the value of every node
    /// (unscheduled ones are zero).
    pub fn eval<D: Scalar>(&self, schedule: &[NodeId], x: &[D]) -> Vec<D> {
        let mut v = vec![c::<D>(0.0); self.nodes.len()];
        for &id in schedule {
            v[id] = self.step(self.nodes[id], &v, x);
        }
        v
    }

    /// The first scheduled node that is not finite at `x` although its operands are: the term
    /// where the expression breaks down (log of 0, division by 0, …).
    pub fn first_non_finite(&self, schedule: &[NodeId], x: &[f64]) -> Option<NodeId> {
        let v = self.eval(schedule, x);
        schedule.iter().copied().find(|&id| !v[id].is_finite())
    }

    /// The node as text (truncated to about `max` characters).
    pub fn node_text(&self, id: NodeId, max: usize) -> String {
        let mut s = self.text(id);
        if s.chars().count() > max {
            s = s.chars().take(max).collect::<String>() + "…";
        }
        s
    }

    fn text(&self, id: NodeId) -> String {
        let t = |i| self.text(i);
        match self.nodes[id] {
            Node::Const(bits) => format!("{}", f64::from_bits(bits)),
            Node::Var(i) => self.vars[i].clone(),
            Node::Add(a, b) => format!("({} + {})", t(a), t(b)),
            Node::Sub(a, b) => format!("({} - {})", t(a), t(b)),
            Node::Mul(a, b) => format!("{}*{}", t(a), t(b)),
            Node::Div(a, b) => format!("{}/{}", t(a), t(b)),
            Node::Neg(a) => format!("(-{})", t(a)),
            Node::PowI(a, n) => format!("{}^{n}", t(a)),
            Node::PowF(a, bits) => format!("{}^{}", t(a), f64::from_bits(bits)),
            Node::Pow(a, b) => format!("{}^{}", t(a), t(b)),
            Node::Fn(f, a) => format!("{}({})", f.name(), t(a)),
        }
    }
}

fn children(node: Node) -> [Option<NodeId>; 2] {
    match node {
        Node::Const(_) | Node::Var(_) => [None, None],
        Node::Neg(a) | Node::PowI(a, _) | Node::PowF(a, _) | Node::Fn(_, a) => [Some(a), None],
        Node::Add(a, b) | Node::Sub(a, b) | Node::Mul(a, b) | Node::Div(a, b) | Node::Pow(a, b) => {
            [Some(a), Some(b)]
        }
    }
}
