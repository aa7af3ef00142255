"""Shared JAX side of the "eosflip-model/1" format (used by gen_models.py and jax_flip.py).

A model file describes an MLP f(x) = W_L s(... s(W_1 x + b_1) ...) + b_L, a loss, the data and a
flat parameter vector theta in PyTorch's nn.Sequential(Linear, act, Linear, ...).parameters()
order: for each layer the weight (out x in, row-major), then the bias (out).

Importing this module configures JAX for float64 on the CPU and, unless the caller already set
them, keeps XLA and the BLAS libraries to one thread and pins the process to one CPU (the
benchmark machine has 2 cores; see BENCH_CPUS below).
"""
import json
import math
import os

# Must happen before jax (and numpy's BLAS) are imported anywhere. The XLA flags alone do not keep
# jaxlib 0.10 on one core (a run at P ~ 1e5 used 160 % CPU with them), so the process is also
# pinned to one CPU, which its threads inherit: BENCH_CPUS="0" (or "0,1") picks the CPUs,
# BENCH_CPUS=all leaves the affinity alone. Default: the last CPU of the current affinity set.
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
os.environ.setdefault("JAX_PLATFORMS", "cpu")
_cpus = os.environ.get("BENCH_CPUS", "")
if _cpus != "all" and hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {int(c) for c in _cpus.split(",")} if _cpus else {max(os.sched_getaffinity(0))})
CPUS = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

jax.config.update("jax_enable_x64", True)

FORMAT = "eosflip-model/1"
ACTIVATIONS = ("tanh", "softplus", "sigmoid", "gelu_tanh", "identity")
LOSSES = ("mse", "cross_entropy")


def activation(name):
    """The elementwise activation of a hidden layer."""
    if name == "tanh":
        return jnp.tanh
    if name == "softplus":
        return jax.nn.softplus
    if name == "sigmoid":
        return jax.nn.sigmoid
    if name == "gelu_tanh":
        c = math.sqrt(2.0 / math.pi)
        return lambda u: 0.5 * u * (1.0 + jnp.tanh(c * (u + 0.044715 * u**3)))
    if name == "identity":
        return lambda u: u
    raise ValueError(f"unknown activation {name!r} (expected one of {ACTIVATIONS})")


def param_count(widths):
    """P = sum over layers of out * (in + 1)."""
    return sum(o * (i + 1) for i, o in zip(widths[:-1], widths[1:]))


def unflatten(widths, theta):
    """Split the flat theta into [(W_1, b_1), ..., (W_L, b_L)], W_l of shape (out, in)."""
    layers, pos = [], 0
    for i, o in zip(widths[:-1], widths[1:]):
        w = theta[pos:pos + o * i].reshape(o, i)
        pos += o * i
        b = theta[pos:pos + o]
        pos += o
        layers.append((w, b))
    return layers


def forward(widths, act, theta, x):
    """Network outputs for a batch x of shape (n, d): shape (n, k). No activation on the last layer."""
    layers = unflatten(widths, theta)
    a = x
    for li, (w, b) in enumerate(layers):
        a = a @ w.T + b
        if li + 1 < len(layers):
            a = act(a)
    return a


class Model:
    """A loaded (or generated) model file with jittable loss / output functions of a flat theta."""

    def __init__(self, widths, activation_name, loss, weight_decay, x, y, theta):
        if activation_name not in ACTIVATIONS:
            raise ValueError(f"unknown activation {activation_name!r}")
        if loss not in LOSSES:
            raise ValueError(f"unknown loss {loss!r}")
        self.widths = [int(w) for w in widths]
        self.activation = activation_name
        self.loss_name = loss
        self.weight_decay = float(weight_decay)
        self.x = np.asarray(x, dtype=np.float64).reshape(-1, self.widths[0])
        self.n = self.x.shape[0]
        self.k = self.widths[-1]
        self.y = np.asarray(y, dtype=np.float64).reshape(self.n, self.k)
        self.theta = np.asarray(theta, dtype=np.float64)
        self.P = param_count(self.widths)
        if self.theta.shape != (self.P,):
            raise ValueError(f"theta has {self.theta.size} entries, widths {self.widths} need {self.P}")
        self._act = activation(activation_name)
        self._xj = jnp.asarray(self.x)
        self._yj = jnp.asarray(self.y)

    # ---- file I/O -------------------------------------------------------------------------
    @classmethod
    def load(cls, path):
        with open(path) as fh:
            d = json.load(fh)
        if d.get("format") != FORMAT:
            raise ValueError(f"{path}: format {d.get('format')!r}, expected {FORMAT!r}")
        return cls(d["widths"], d["activation"], d["loss"], d.get("weight_decay", 0.0),
                   d["x"], d["y"], d["theta"])

    def save(self, path):
        """Write the model; json writes floats with repr, i.e. full float64 round-trip precision."""
        y = self.y[:, 0].tolist() if self.k == 1 else self.y.tolist()
        doc = {"format": FORMAT, "widths": self.widths, "activation": self.activation,
               "loss": self.loss_name, "weight_decay": self.weight_decay,
               "x": self.x.tolist(), "y": y, "theta": self.theta.tolist()}
        with open(path, "w") as fh:
            json.dump(doc, fh)
            fh.write("\n")

    # ---- functions of theta (all jittable) -------------------------------------------------
    def outputs(self, theta):
        """f(x_i) for every sample: shape (n, k)."""
        return forward(self.widths, self._act, theta, self._xj)

    def output_single(self, theta, xi):
        """f(x_i) for one sample xi of shape (d,): shape (k,)."""
        return forward(self.widths, self._act, theta, xi[None, :])[0]

    def loss(self, theta):
        out = self.outputs(theta)
        if self.loss_name == "mse":
            data = 0.5 * jnp.sum((out - self._yj) ** 2) / self.n
        else:
            data = -jnp.sum(self._yj * jax.nn.log_softmax(out, axis=1)) / self.n
        return data + 0.5 * self.weight_decay * jnp.dot(theta, theta)

    def output_residual(self, theta):
        """n * dL_data/df: f - y (MSE) or softmax(f) - y (CE); zero exactly at interpolation."""
        out = self.outputs(theta)
        if self.loss_name == "mse":
            return out - self._yj
        return jax.nn.softmax(out, axis=1) - self._yj

    def jacobian(self, theta):
        """Output Jacobian, shape (n*k, P): jacrev of the per-sample outputs, vmapped over samples
        (one backward pass per sample; jacrev of the batched outputs would redo the whole batch
        for every output row)."""
        jac = jax.vmap(jax.jacrev(self.output_single), in_axes=(None, 0))(theta, self._xj)
        return jac.reshape(self.n * self.k, self.P)
