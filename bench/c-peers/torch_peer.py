"""PyTorch as a kernel-level peer of the bench (bench/kernels.cjs).

Speaks the line protocol of bench/c-peers/worker.h on stdin/stdout. Each op
is the ATen kernel a user reaches from torch.nn.functional, called through
torch.ops.aten with its out= overload into a preallocated tensor where ATen
has one; the backward passes are ATen's own derivative kernels
(torch.ops.aten.*_backward), called directly, with no autograd graph.
Pass "backward" is the derivative from x, "backward-y" from the forward
output (computed once in prepare, outside the timing): sigmoid, tanh,
softmax and logSoftmax have only the latter in ATen, elu and selu both
(elu_backward's is_result).
Threads: torch.set_num_threads(THREADS) before each prepared call.
"""
import json
import math
import os
import sys
import time


def reply(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


try:
    import numpy as np
    import torch
except Exception as e:  # the driver lists the peer as absent with this reason
    for line in sys.stdin:
        if line.strip() == "quit":
            break
        reply({"ok": False, "reason": "cannot import torch: %s" % e})
    sys.exit(0)

A = torch.ops.aten
SELU_ALPHA = 1.6732632423543772848
SELU_SCALE = 1.0507009873554804934


def forward_ops():
    """op → f(x, y, a, b) writing op(x) into y, or returning a new tensor (ATen has no out= overload)."""
    return {
        "relu": lambda x, y, a, b: A.relu.out(x, out=y),
        "leakyRelu": lambda x, y, a, b: A.leaky_relu.out(x, a, out=y),
        "relu6": lambda x, y, a, b: A.hardtanh.out(x, 0.0, 6.0, out=y),
        "hardTanh": lambda x, y, a, b: A.hardtanh.out(x, a, b, out=y),
        "elu": lambda x, y, a, b: A.elu.out(x, a, 1.0, 1.0, out=y),
        # torch.selu and torch.celu are ATen's elu kernel with these scales.
        "selu": lambda x, y, a, b: A.elu.out(x, SELU_ALPHA, SELU_SCALE, 1.0, out=y),
        "celu": lambda x, y, a, b: A.elu.out(x, a, 1.0, 1.0 / a, out=y),
        "sigmoid": lambda x, y, a, b: A.sigmoid.out(x, out=y),
        "tanh": lambda x, y, a, b: A.tanh.out(x, out=y),
        "softplus": lambda x, y, a, b: A.softplus.out(x, a, b, out=y),
        "silu": lambda x, y, a, b: A.silu.out(x, out=y),
        "gelu": lambda x, y, a, b: A.gelu.out(x, approximate="none", out=y),
        "gelu:tanh": lambda x, y, a, b: A.gelu.out(x, approximate="tanh", out=y),
        "mish": lambda x, y, a, b: A.mish.out(x, out=y),
        "hardSigmoid": lambda x, y, a, b: A.hardsigmoid.out(x, out=y),
        "hardSwish": lambda x, y, a, b: A.hardswish.out(x, out=y),
    }


def backward_ops():
    """op → g(dy, x, dx, a, b) writing dx (or returning it) from x."""
    return {
        "relu": lambda dy, x, dx, a, b: A.threshold_backward.grad_input(dy, x, 0.0, grad_input=dx),
        "leakyRelu": lambda dy, x, dx, a, b: A.leaky_relu_backward.grad_input(dy, x, a, False, grad_input=dx),
        "relu6": lambda dy, x, dx, a, b: A.hardtanh_backward.grad_input(dy, x, 0.0, 6.0, grad_input=dx),
        "hardTanh": lambda dy, x, dx, a, b: A.hardtanh_backward.grad_input(dy, x, a, b, grad_input=dx),
        "elu": lambda dy, x, dx, a, b: A.elu_backward.grad_input(dy, a, 1.0, 1.0, False, x, grad_input=dx),
        "selu": lambda dy, x, dx, a, b: A.elu_backward.grad_input(dy, SELU_ALPHA, SELU_SCALE, 1.0, False, x, grad_input=dx),
        "celu": lambda dy, x, dx, a, b: A.elu_backward.grad_input(dy, a, 1.0, 1.0 / a, False, x, grad_input=dx),
        "softplus": lambda dy, x, dx, a, b: A.softplus_backward.grad_input(dy, x, a, b, grad_input=dx),
        "silu": lambda dy, x, dx, a, b: A.silu_backward.grad_input(dy, x, grad_input=dx),
        "gelu": lambda dy, x, dx, a, b: A.gelu_backward.grad_input(dy, x, approximate="none", grad_input=dx),
        "gelu:tanh": lambda dy, x, dx, a, b: A.gelu_backward.grad_input(dy, x, approximate="tanh", grad_input=dx),
        "mish": lambda dy, x, dx, a, b: A.mish_backward(dy, x),
        "hardSigmoid": lambda dy, x, dx, a, b: A.hardsigmoid_backward.grad_input(dy, x, grad_input=dx),
        "hardSwish": lambda dy, x, dx, a, b: A.hardswish_backward.out(dy, x, out=dx),
    }


def backward_y_ops():
    """op → g(dy, y, dx, a, b) writing dx from the forward output y."""
    return {
        "sigmoid": lambda dy, y, dx, a, b: A.sigmoid_backward.grad_input(dy, y, grad_input=dx),
        "tanh": lambda dy, y, dx, a, b: A.tanh_backward.grad_input(dy, y, grad_input=dx),
        "elu": lambda dy, y, dx, a, b: A.elu_backward.grad_input(dy, a, 1.0, 1.0, True, y, grad_input=dx),
        "selu": lambda dy, y, dx, a, b: A.elu_backward.grad_input(dy, SELU_ALPHA, SELU_SCALE, 1.0, True, y, grad_input=dx),
    }


# Kernels ATen offers only as allocating calls (no out= overload in this version).
ALLOCATING = {("mish", "backward"), ("prelu", "forward"), ("prelu", "backward")}


class Prepared:
    def __init__(self, call, out, notes):
        self.call, self.out, self.notes = call, out, notes


def load(path, n, dtype):
    return torch.from_numpy(np.fromfile(path, dtype=dtype, count=n))


def prepare(op, pass_, dtype, n, threads, cols, a, b, xpath, dypath, auxpath):
    torch.set_num_threads(threads)
    np_dtype = np.float32 if dtype == "float32" else np.float64
    x = load(xpath, n, np_dtype)
    dy = load(dypath, n, np_dtype) if dypath != "-" else None
    out = torch.empty_like(x)
    fwd = pass_ == "forward"
    if op in ("softmax", "logSoftmax"):
        if not cols or n % cols:
            return "n is not whole rows"
        x2, out2 = x.view(n // cols, cols), out.view(n // cols, cols)
        f = A._softmax.out if op == "softmax" else A._log_softmax.out
        if fwd:
            return Prepared(lambda: f(x2, -1, False, out=out2), out, "")
        if pass_ != "backward-y":
            return "ATen's softmax backward reads the forward output (backward-y)"
        y = f(x2, -1, False, out=torch.empty_like(x2))
        dy2 = dy.view(n // cols, cols)
        if op == "softmax":
            return Prepared(lambda: A._softmax_backward_data.out(dy2, y, -1, x.dtype, grad_input=out2), out, "")
        return Prepared(lambda: A._log_softmax_backward_data.out(dy2, y, -1, x.dtype, out=out2), out, "")
    if op == "prelu":
        if pass_ == "backward-y":
            return "ATen's prelu backward reads x"
        if not cols or n % cols or auxpath == "-":
            return "prelu needs whole rows of channels and their slopes"
        w = load(auxpath, cols, np_dtype)
        x2 = x.view(n // cols, cols)
        if fwd:
            return Prepared(lambda: A.prelu(x2, w), out, "allocating (no out= overload)")
        dy2 = dy.view(n // cols, cols)
        return Prepared(lambda: A.prelu_backward(dy2, x2, w)[0], out, "allocating (no out= overload); returns dweight too")
    table = forward_ops() if fwd else backward_ops() if pass_ == "backward" else backward_y_ops()
    if op == "swish":
        if a != 1:
            return "ATen's silu is swish with beta 1 only"
        op = "silu"
    if op not in table:
        return "no ATen kernel for %s %s" % (op, pass_)
    notes = "allocating (no out= overload)" if (op, pass_) in ALLOCATING else ""
    if fwd:
        f = table[op]
        return Prepared(lambda: f(x, out, a, b), out, notes)
    g = table[op]
    if pass_ == "backward-y":
        y = forward_ops()[op](x, torch.empty_like(x), a, b)
        return Prepared(lambda: g(dy, y, out, a, b), out, notes)
    return Prepared(lambda: g(dy, x, out, a, b), out, notes)


def hello():
    ops = {op: ["forward"] + (["backward"] if op in backward_ops() else []) + (["backward-y"] if op in backward_y_ops() else []) for op in forward_ops()}
    ops["swish"] = ["forward", "backward"]
    ops["softmax"] = ops["logSoftmax"] = ["forward", "backward-y"]
    ops["prelu"] = ["forward", "backward"]
    cap = [l.split(":", 1)[1].strip() for l in torch.__config__.show().split("\n") if "CPU capability" in l]
    return {
        "ok": True,
        "peer": "torch",
        "version": torch.__version__,
        "notes": "ATen CPU capability %s, %s" % (cap[0] if cap else "?", torch.__config__.parallel_info().split("\n")[-2].strip()),
        "dtypes": ["float32", "float64"],
        "ops": ops,
    }


def main():
    prepared = None
    for line in sys.stdin:
        parts = line.split()
        if not parts:
            continue
        cmd = parts[0]
        try:
            if cmd == "quit":
                break
            if cmd == "hello":
                reply(hello())
            elif cmd == "prepare":
                prepared = None
                op, pass_, dtype = parts[1], parts[2], parts[3]
                n, threads, cols = int(parts[4]), int(parts[5]), int(parts[6])
                a, b = float(parts[7]), float(parts[8])
                r = prepare(op, pass_, dtype, n, threads, cols, a, b, parts[9], parts[10], parts[11])
                if isinstance(r, str):
                    reply({"ok": False, "reason": r})
                else:
                    prepared = r
                    reply({"ok": True, "impl": r.notes})
            elif cmd == "run":
                reps = int(parts[1])
                call = prepared.call
                c0, w0 = time.process_time_ns(), time.perf_counter_ns()
                for _ in range(reps):
                    call()
                w, c = time.perf_counter_ns() - w0, time.process_time_ns() - c0
                reply({"ok": True, "wall": w, "cpu": c})
            elif cmd == "output":
                path, count = parts[1], int(parts[2])
                r = prepared.call()
                # An allocating kernel's result is what it computed; copy it to the prepared output.
                if r is not None and r.data_ptr() != prepared.out.data_ptr():
                    prepared.out.view(-1).copy_(r.reshape(-1))
                prepared.out.view(-1)[:count].numpy().tofile(path)
                reply({"ok": True})
            elif cmd == "release":
                prepared = None
                reply({"ok": True})
            else:
                reply({"ok": False, "reason": "unknown request: " + line.strip()})
        except Exception as e:
            reply({"ok": False, "reason": "%s: %s" % (type(e).__name__, str(e).split("\n")[0])})


if __name__ == "__main__":
    main()
