//! Tokenizer and recursive-descent parser for loss expressions (syntax only; docs/math.md §1).
//!
//! Grammar (`^` and `**` are the same right-associative power; unary minus binds looser than a
//! power, so `-x^2 = -(x^2)` and `2^-1` is allowed):
//!
//! ```text
//! sum     := product (('+' | '-') product)*
//! product := unary (('*' | '/') unary)*
//! unary   := ('-' | '+') unary | power
//! power   := primary (('^' | '**') unary)?
//! primary := NUMBER | NAME | NAME '(' sum (',' sum)* ')' | '(' sum ')'
//! ```
//!
//! Numbers are kept exact: `0.25` and `2.5e-3` become the rationals `25/100` and `25/10000`.
//! This module only reads text; it simplifies and differentiates nothing.

use super::rational::Rational;
use crate::error::{Error, Result};

/// A syntax tree of an expression. Positions are character offsets into the source.
#[derive(Debug, Clone, PartialEq)]
pub enum Ast {
    /// An exact rational constant.
    Num(Rational),
    /// A name used as a variable (or parameter, before substitution).
    Var(String, usize),
    /// `-a`.
    Neg(Box<Ast>),
    /// A binary operation `a op b` with `op` one of `+ - * / ^`.
    Bin(char, Box<Ast>, Box<Ast>),
    /// A function call `name(args)`.
    Call(String, Vec<Ast>, usize),
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(Rational),
    Name(String),
    Op(char),
    End,
}

struct Lexer {
    toks: Vec<(Tok, usize)>,
}

fn is_name_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn lex(chars: &[char], src: &str) -> Result<Lexer> {
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit()
            || (c == '.' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit()))
        {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            if i < chars.len() && (chars[i] == 'e' || chars[i] == 'E') {
                let mut j = i + 1;
                if j < chars.len() && (chars[j] == '+' || chars[j] == '-') {
                    j += 1;
                }
                if j < chars.len() && chars[j].is_ascii_digit() {
                    i = j;
                    while i < chars.len() && chars[i].is_ascii_digit() {
                        i += 1;
                    }
                }
            }
            let text: String = chars[start..i].iter().collect();
            let r = Rational::parse_decimal(&text)
                .ok_or_else(|| syntax_error(src, start, "a number", &format!("'{text}'")))?;
            toks.push((Tok::Num(r), start));
        } else if is_name_start(c) {
            let start = i;
            while i < chars.len() && (is_name_start(chars[i]) || chars[i].is_ascii_digit()) {
                i += 1;
            }
            toks.push((Tok::Name(chars[start..i].iter().collect()), start));
        } else if c == '*' && chars.get(i + 1) == Some(&'*') {
            toks.push((Tok::Op('^'), i));
            i += 2;
        } else if "+-*/^(),".contains(c) {
            toks.push((Tok::Op(c), i));
            i += 1;
        } else {
            return Err(syntax_error(
                src,
                i,
                "a number, a name, an operator + - * / ^ ** or a parenthesis",
                &format!("'{c}'"),
            ));
        }
    }
    toks.push((Tok::End, chars.len()));
    Ok(Lexer { toks })
}

/// The error for a syntax problem at character `pos`: the expression with a caret under it.
pub fn syntax_error(src: &str, pos: usize, expected: &str, found: &str) -> Error {
    Error::bad_input(
        format!(
            "cannot parse the expression: expected {expected}, found {found} at position {}\n    {src}\n    {}^",
            pos + 1,
            " ".repeat(pos)
        ),
        "write e.g. --expr \"(x*y - 1)^2/2\": numbers, names, + - * / ^ (or **), parentheses, \
         exp log sqrt sin cos tan sinh cosh tanh",
    )
}

struct Parser<'a> {
    toks: Vec<(Tok, usize)>,
    at: usize,
    src: &'a str,
    depth: usize,
}

/// Deepest nesting accepted (guards the recursion against pathological input): parentheses,
/// function calls, prefix signs and the exponents of right-nested powers each open one level.
pub const MAX_DEPTH: usize = 500;

/// Most tokens accepted in one expression a user writes (about 2000 terms): a size budget
/// checked before anything is built. (Text that symbolica prints back may be longer: long sums
/// and products are balanced, so their trees stay shallow.)
pub const MAX_TOKENS: usize = 4000;

impl Parser<'_> {
    fn peek(&self) -> &Tok {
        &self.toks[self.at].0
    }
    fn pos(&self) -> usize {
        self.toks[self.at].1
    }
    fn found(&self) -> String {
        match self.peek() {
            Tok::Num(r) => format!("the number {r}"),
            Tok::Name(n) => format!("the name '{n}'"),
            Tok::Op(c) => format!("'{c}'"),
            Tok::End => "the end of the expression".into(),
        }
    }
    fn fail<T>(&self, expected: &str) -> Result<T> {
        Err(syntax_error(self.src, self.pos(), expected, &self.found()))
    }
    fn eat(&mut self, op: char) -> bool {
        if *self.peek() == Tok::Op(op) {
            self.at += 1;
            true
        } else {
            false
        }
    }
    /// Opens one level of nesting (the top-level expression is level 0).
    fn deeper(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH + 1 {
            return Err(Error::Budget {
                what: format!(
                    "the expression is nested more than {MAX_DEPTH} levels deep at position {} \
                     (parentheses, function calls, signs and right-nested powers each count one)",
                    self.pos()
                ),
                limit: format!("nesting depth ≤ {MAX_DEPTH}"),
                hint: format!(
                    "un-nest the expression to at most {MAX_DEPTH} levels (drop redundant \
                     parentheses, or introduce an inner part as a variable), or use a model file"
                ),
            });
        }
        Ok(())
    }
    fn sum(&mut self) -> Result<Ast> {
        self.deeper()?;
        let mut items = vec![('+', self.product()?)];
        while let Tok::Op(op @ ('+' | '-')) = *self.peek() {
            self.at += 1;
            items.push((op, self.product()?));
        }
        self.depth -= 1;
        Ok(chain(items, '+'))
    }
    fn product(&mut self) -> Result<Ast> {
        let mut items = vec![('*', self.unary()?)];
        while let Tok::Op(op @ ('*' | '/')) = *self.peek() {
            self.at += 1;
            items.push((op, self.unary()?));
        }
        Ok(chain(items, '*'))
    }
    fn unary(&mut self) -> Result<Ast> {
        if self.eat('-') {
            Ok(Ast::Neg(Box::new(self.nested_unary()?)))
        } else if self.eat('+') {
            self.nested_unary()
        } else {
            let base = self.primary()?;
            if self.eat('^') {
                Ok(Ast::Bin(
                    '^',
                    Box::new(base),
                    Box::new(self.nested_unary()?),
                ))
            } else {
                Ok(base)
            }
        }
    }
    /// A unary operand one level deeper (a sign or an exponent).
    fn nested_unary(&mut self) -> Result<Ast> {
        self.deeper()?;
        let out = self.unary()?;
        self.depth -= 1;
        Ok(out)
    }
    fn primary(&mut self) -> Result<Ast> {
        let pos = self.pos();
        match self.peek().clone() {
            Tok::Num(r) => {
                self.at += 1;
                Ok(Ast::Num(r))
            }
            Tok::Name(name) => {
                self.at += 1;
                if !self.eat('(') {
                    return Ok(Ast::Var(name, pos));
                }
                let mut args = vec![self.sum()?];
                while self.eat(',') {
                    args.push(self.sum()?);
                }
                if !self.eat(')') {
                    return self.fail("',' or ')' closing the arguments");
                }
                Ok(Ast::Call(name, args, pos))
            }
            Tok::Op('(') => {
                self.at += 1;
                let inner = self.sum()?;
                if !self.eat(')') {
                    return self.fail("an operator or ')'");
                }
                Ok(inner)
            }
            _ => self.fail("a number, a name or '('"),
        }
    }
}

/// Chains of more operands than this are built as balanced trees ([`chain`]).
const BALANCE_ABOVE: usize = 32;

/// The tree of `a0 op1 a1 op2 a2 …` (`op` the chain's operator, `+` or `*`; the first item's op
/// is ignored). Short chains fold to the left as written (`a - b + c = (a - b) + c`); a long
/// chain becomes a balanced tree of `+` (or `*`), each `- b` written `(-b)` and each `/ b`
/// written `1/b`, so that a flat sum of n terms has depth log₂ n and no recursive pass over
/// the tree (printing, the graph, dropping it) can overflow the stack. Built without recursion.
fn chain(items: Vec<(char, Ast)>, op: char) -> Ast {
    if items.len() <= BALANCE_ABOVE {
        let mut it = items.into_iter();
        let first = it.next().expect("a chain has a first operand").1;
        return it.fold(first, |acc, (o, b)| Ast::Bin(o, Box::new(acc), Box::new(b)));
    }
    let mut level: Vec<Ast> = items
        .into_iter()
        .enumerate()
        .map(|(i, (o, a))| match o {
            '-' if i > 0 => Ast::Neg(Box::new(a)),
            '/' if i > 0 => Ast::Bin(
                '/',
                Box::new(Ast::Num(
                    Rational::parse_decimal("1").expect("1 is a number"),
                )),
                Box::new(a),
            ),
            _ => a,
        })
        .collect();
    while level.len() > 1 {
        let mut next = Vec::with_capacity(level.len().div_ceil(2));
        let mut it = level.into_iter();
        while let Some(a) = it.next() {
            next.push(match it.next() {
                Some(b) => Ast::Bin(op, Box::new(a), Box::new(b)),
                None => a,
            });
        }
        level = next;
    }
    level.pop().expect("a chain has an operand")
}

/// [`parse`] for text a user wrote, within the size budget [`MAX_TOKENS`] (symbolica's own
/// output, parsed back internally, may be longer).
pub fn parse_input(src: &str) -> Result<Ast> {
    let chars: Vec<char> = src.chars().collect();
    let lexer = lex(&chars, src)?;
    if lexer.toks.len() > MAX_TOKENS + 1 {
        return Err(Error::bad_input(
            format!(
                "the expression has {} tokens, more than the budget of {MAX_TOKENS} \
                 (expression size limit)",
                lexer.toks.len() - 1
            ),
            "shorten the expression (factor common terms), or use a catalog loss or a model file",
        ));
    }
    parse(src)
}

/// Parses `src` into a syntax tree; errors show the expression with a caret at the position.
pub fn parse(src: &str) -> Result<Ast> {
    let chars: Vec<char> = src.chars().collect();
    let lexer = lex(&chars, src)?;
    let mut p = Parser {
        toks: lexer.toks,
        at: 0,
        src,
        depth: 0,
    };
    if *p.peek() == Tok::End {
        return p.fail("an expression");
    }
    let ast = p.sum()?;
    if *p.peek() != Tok::End {
        return p.fail("an operator + - * / ^ or the end of the expression");
    }
    Ok(ast)
}

/// How [`print`] renders function calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// As written (`tan`, `sinh`, … kept).
    Plain,
    /// For symbolica: only `exp log sqrt sin cos` (plus abstract functions); `tan`, `sinh`,
    /// `cosh`, `tanh` and `ln` are rewritten through them (identities, not approximations).
    Symbolica,
}

/// Prints `ast` fully parenthesised; `subst` maps variable names to replacement text.
pub fn print(ast: &Ast, flavor: Flavor, subst: &dyn Fn(&str) -> Option<String>) -> String {
    let p = |a: &Ast| print(a, flavor, subst);
    match ast {
        Ast::Num(r) => r.to_paren_string(),
        Ast::Var(name, _) => match subst(name) {
            Some(text) => format!("({text})"),
            None if name == "𝑒" => "exp(1)".into(),
            None => name.clone(),
        },
        Ast::Bin('^', a, b) if matches!(a.as_ref(), Ast::Var(e, _) if e == "𝑒") => {
            format!("exp({})", p(b))
        }
        Ast::Neg(a) => format!("(-{})", p(a)),
        Ast::Bin(op, a, b) => format!("({}{op}{})", p(a), p(b)),
        Ast::Call(name, args, _) => {
            let args: Vec<String> = args.iter().map(p).collect();
            let u = args.join(",");
            match (flavor, name.as_str()) {
                (Flavor::Symbolica, "ln") => format!("log({u})"),
                (Flavor::Symbolica, "tan") => format!("(sin({u})/cos({u}))"),
                (Flavor::Symbolica, "sinh") => format!("((exp({u})-exp(-{u}))/2)"),
                (Flavor::Symbolica, "cosh") => format!("((exp({u})+exp(-{u}))/2)"),
                (Flavor::Symbolica, "tanh") => format!("((exp(2*{u})-1)/(exp(2*{u})+1))"),
                _ => format!("{name}({u})"),
            }
        }
    }
}
