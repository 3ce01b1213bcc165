'use strict';
/**
 * Writes small ONNX models (one activation node, or two for the ops ONNX
 * builds from primitives) as protobuf bytes, so the benchmark never ships
 * binary model files and every model states exactly what it computes.
 *
 * Only the handful of protobuf fields a single-node graph needs are encoded,
 * with field numbers from onnx/onnx.proto (ModelProto, GraphProto, NodeProto,
 * AttributeProto, ValueInfoProto, TypeProto, TensorProto).
 */

/** Protobuf wire types. */
const VARINT = 0;
const LEN = 2;
const I32 = 5;

/** An append-only protobuf message under construction. */
class Message {
  constructor() {
    this.chunks = [];
  }

  tag(field, wire) {
    this.raw(varintBytes(BigInt((field << 3) | wire)));
  }

  raw(bytes) {
    this.chunks.push(Buffer.from(bytes));
    return this;
  }

  /** int32/int64/enum/bool: negative values are sign-extended to 64 bits, as protobuf requires. */
  int(field, v) {
    this.tag(field, VARINT);
    return this.raw(varintBytes(BigInt.asUintN(64, BigInt(v))));
  }

  float(field, v) {
    this.tag(field, I32);
    const b = Buffer.alloc(4);
    b.writeFloatLE(v);
    return this.raw(b);
  }

  bytes(field, buf) {
    this.tag(field, LEN);
    this.raw(varintBytes(BigInt(buf.length)));
    return this.raw(buf);
  }

  string(field, s) {
    return this.bytes(field, Buffer.from(s, 'utf8'));
  }

  message(field, m) {
    return this.bytes(field, m.finish());
  }

  finish() {
    return Buffer.concat(this.chunks);
  }
}

function varintBytes(v) {
  const out = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

/** TensorProto.DataType values. */
const ELEM_TYPE = { float32: 1, float64: 11 };
/** AttributeProto.AttributeType values. */
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_STRING = 3;

function attribute(name, value) {
  const a = new Message().string(1, name);
  if (typeof value === 'string') a.bytes(4, Buffer.from(value, 'utf8')).int(20, ATTR_STRING);
  else if (typeof value === 'bigint') a.int(3, value).int(20, ATTR_INT);
  else a.float(2, value).int(20, ATTR_FLOAT);
  return a;
}

/** A graph input/output whose dims are symbolic names or numbers. */
function valueInfo(name, dtype, dims) {
  const shape = new Message();
  for (const d of dims) {
    const dim = new Message();
    if (typeof d === 'string') dim.string(2, d);
    else dim.int(1, d);
    shape.message(1, dim);
  }
  const tensorType = new Message().int(1, ELEM_TYPE[dtype]).message(2, shape);
  return new Message().string(1, name).message(2, new Message().message(1, tensorType));
}

/**
 * A constant of the graph's dtype: a number is a scalar (rank 0, as Clip's
 * min and max), { dims, data } a tensor (as PRelu's slopes).
 */
function initializer(name, dtype, value) {
  const dims = typeof value === 'number' ? [] : value.dims;
  const data = typeof value === 'number' ? [value] : Array.from(value.data);
  const width = dtype === 'float64' ? 8 : 4;
  const raw = Buffer.alloc(width * data.length);
  data.forEach((v, i) => (dtype === 'float64' ? raw.writeDoubleLE(v, i * width) : raw.writeFloatLE(v, i * width)));
  const t = new Message();
  for (const d of dims) t.int(1, d);
  return t.int(2, ELEM_TYPE[dtype]).string(8, name).bytes(9, raw);
}

/**
 * Serializes a model.
 *   spec.nodes: [{ op, inputs, outputs, attrs? }] where attrs values are
 *     numbers (FLOAT), bigints (INT) or strings (STRING);
 *   spec.constants: { name: number | { dims, data } } initializers;
 *   spec.input / spec.output: tensor names (default 'x' / 'y');
 *   dims: the input and output shape, symbolic names allowed.
 */
function buildModel(spec, dtype, dims = ['N'], opset = 20) {
  const graph = new Message();
  spec.nodes.forEach((n, i) => {
    const node = new Message();
    for (const inp of n.inputs) node.string(1, inp);
    for (const out of n.outputs) node.string(2, out);
    node.string(3, `${n.op.toLowerCase()}_${i}`).string(4, n.op);
    for (const [k, v] of Object.entries(n.attrs ?? {})) node.message(5, attribute(k, v));
    graph.message(1, node);
  });
  graph.string(2, 'activation');
  for (const [name, value] of Object.entries(spec.constants ?? {})) graph.message(5, initializer(name, dtype, value));
  graph.message(11, valueInfo(spec.input ?? 'x', dtype, dims));
  graph.message(12, valueInfo(spec.output ?? 'y', dtype, dims));
  // IR version 9 is the one that goes with opset 20.
  return new Message()
    .int(1, 9)
    .string(2, 'activation-kernels-bench')
    .message(7, graph)
    .message(8, new Message().string(1, '').int(2, opset))
    .finish();
}

module.exports = { buildModel, Message, varintBytes };
