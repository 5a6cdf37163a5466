/**
 * Compiled form of a parsed expression (private to lib/laws): a flat instruction list over
 * Float64Array registers, evaluated over whole columns, with exact gradients by reverse-mode
 * automatic differentiation over the same tape. No eval, no `new Function`.
 *
 * Registers are inputs (columns, stride 1), parameters and constants (one value, stride 0) and
 * temporaries (stride 1 when they depend on an input, else one value). Sub-expressions made of
 * literals only are folded at compile time. Buffers are allocated once per column length and
 * reused, so evaluation in an optimiser loop does not allocate.
 *
 * @module
 */

import type { Columns } from "./types.ts";
import type { Node } from "./_parser.ts";

const ADD = 0, SUB = 1, MUL = 2, DIV = 3, POW = 4, NEG = 5, EXP = 6, LOG = 7, LOG10 = 8;
const SQRT = 9, ABS = 10, SIGMOID = 11, MIN = 12, MAX = 13;

const BINARY: Record<string, number> = { "+": ADD, "-": SUB, "*": MUL, "/": DIV, "^": POW };
const UNARY: Record<string, number> = {
  exp: EXP,
  log: LOG,
  log10: LOG10,
  sqrt: SQRT,
  abs: ABS,
  sigmoid: SIGMOID,
};

function sigmoid(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

/** Scalar semantics of every op (used for constant folding). */
function apply(op: number, a: number, b: number): number {
  switch (op) {
    case ADD:
      return a + b;
    case SUB:
      return a - b;
    case MUL:
      return a * b;
    case DIV:
      return a / b;
    case POW:
      return Math.pow(a, b);
    case NEG:
      return -a;
    case EXP:
      return Math.exp(a);
    case LOG:
      return Math.log(a);
    case LOG10:
      return Math.log10(a);
    case SQRT:
      return Math.sqrt(a);
    case ABS:
      return Math.abs(a);
    case SIGMOID:
      return sigmoid(a);
    case MIN:
      return a <= b ? a : b;
    default:
      return a >= b ? a : b;
  }
}

const KIND_INPUT = 0, KIND_PARAM = 1, KIND_CONST = 2, KIND_TEMP = 3;

/** An expression compiled for batch evaluation and gradients. */
export class Tape {
  /** Number of inputs (columns) expected by {@link Tape.forward}. */
  readonly nInputs: number;
  /** Number of parameters expected by {@link Tape.forward}. */
  readonly nParams: number;

  #ops: number[] = [];
  #argA: number[] = [];
  #argB: number[] = [];
  #outs: number[] = [];
  #kind: number[] = [];
  #vector: boolean[] = [];
  #grad: boolean[] = [];
  #constValue: number[] = [];
  #values: Float64Array[] = [];
  #adjoints: Float64Array[] = [];
  #inputReg: number[];
  #paramReg: number[];
  #root: number;
  #size = -1;

  /**
   * @param node Parsed expression.
   * @param inputs Input name → column index.
   * @param params Parameter name → index into the parameter vector.
   * @throws {Error} When a name is neither an input nor a parameter (callers check first).
   */
  constructor(
    node: Node,
    inputs: ReadonlyMap<string, number>,
    params: ReadonlyMap<string, number>,
  ) {
    this.nInputs = inputs.size;
    this.nParams = params.size;
    this.#inputReg = new Array<number>(inputs.size).fill(-1);
    this.#paramReg = new Array<number>(params.size).fill(-1);
    this.#root = this.#emit(node, inputs, params);
    for (let r = 0; r < this.#kind.length; r++) {
      const kind = this.#kind[r];
      if (kind === KIND_PARAM) this.#values[r] = new Float64Array(1);
      else if (kind === KIND_CONST) this.#values[r] = Float64Array.of(this.#constValue[r]);
      else if (kind === KIND_TEMP && !this.#vector[r]) this.#values[r] = new Float64Array(1);
      else this.#values[r] = new Float64Array(0);
    }
  }

  #register(kind: number, vector: boolean, grad: boolean, value = NaN): number {
    this.#kind.push(kind);
    this.#vector.push(vector);
    this.#grad.push(grad);
    this.#constValue.push(value);
    return this.#kind.length - 1;
  }

  #instruction(op: number, a: number, b: number): number {
    const isConst = (r: number) => r < 0 || this.#kind[r] === KIND_CONST;
    if (isConst(a) && isConst(b)) {
      const value = apply(op, this.#constValue[a], b < 0 ? NaN : this.#constValue[b]);
      return this.#register(KIND_CONST, false, false, value);
    }
    const vector = this.#vector[a] || (b >= 0 && this.#vector[b]);
    const grad = this.#grad[a] || (b >= 0 && this.#grad[b]);
    const out = this.#register(KIND_TEMP, vector, grad);
    this.#ops.push(op);
    this.#argA.push(a);
    this.#argB.push(b);
    this.#outs.push(out);
    return out;
  }

  #emit(
    node: Node,
    inputs: ReadonlyMap<string, number>,
    params: ReadonlyMap<string, number>,
  ): number {
    switch (node.kind) {
      case "num":
        return this.#register(KIND_CONST, false, false, node.value);
      case "name": {
        const i = inputs.get(node.name);
        if (i !== undefined) {
          if (this.#inputReg[i] < 0) this.#inputReg[i] = this.#register(KIND_INPUT, true, false);
          return this.#inputReg[i];
        }
        const j = params.get(node.name);
        if (j !== undefined) {
          if (this.#paramReg[j] < 0) this.#paramReg[j] = this.#register(KIND_PARAM, false, true);
          return this.#paramReg[j];
        }
        throw new Error(`Cannot compile expression: name '${node.name}' is not declared`);
      }
      case "neg":
        return this.#instruction(NEG, this.#emit(node.arg, inputs, params), -1);
      case "bin": {
        const a = this.#emit(node.left, inputs, params);
        const b = this.#emit(node.right, inputs, params);
        return this.#instruction(BINARY[node.op], a, b);
      }
      case "call": {
        if (node.fn === "min" || node.fn === "max") {
          const op = node.fn === "min" ? MIN : MAX;
          let acc = this.#emit(node.args[0], inputs, params);
          for (let k = 1; k < node.args.length; k++) {
            acc = this.#instruction(op, acc, this.#emit(node.args[k], inputs, params));
          }
          return acc;
        }
        return this.#instruction(UNARY[node.fn], this.#emit(node.args[0], inputs, params), -1);
      }
    }
  }

  /** Allocate the column-length buffers once per length. */
  #ensure(n: number): void {
    if (n === this.#size) return;
    this.#size = n;
    for (let r = 0; r < this.#kind.length; r++) {
      if (this.#kind[r] === KIND_TEMP && this.#vector[r]) this.#values[r] = new Float64Array(n);
      this.#adjoints[r] = this.#grad[r] ? new Float64Array(n) : new Float64Array(0);
    }
  }

  /**
   * Evaluate at all points: `out[i] = f(x[.][i]; p)`.
   *
   * @param x Input columns by index; each at least `out.length` long.
   * @param p Parameter values.
   * @param out Output; its length sets the number of points.
   */
  forward(x: Columns, p: Float64Array, out: Float64Array): void {
    const n = out.length;
    this.#ensure(n);
    const values = this.#values;
    for (let i = 0; i < this.#inputReg.length; i++) {
      const r = this.#inputReg[i];
      if (r >= 0) values[r] = x[i] as Float64Array;
    }
    for (let j = 0; j < this.#paramReg.length; j++) {
      const r = this.#paramReg[j];
      if (r >= 0) values[r][0] = p[j];
    }
    const root = this.#root;
    const rootIsColumnTemp = this.#kind[root] === KIND_TEMP && this.#vector[root];
    if (rootIsColumnTemp) values[root] = out;
    this.#run(n);
    if (!rootIsColumnTemp) {
      if (this.#vector[root]) out.set(values[root].subarray(0, n));
      else out.fill(values[root][0]);
    }
  }

  #run(n: number): void {
    const ops = this.#ops, argA = this.#argA, argB = this.#argB, outs = this.#outs;
    const values = this.#values, vector = this.#vector;
    for (let t = 0; t < ops.length; t++) {
      const a = argA[t], b = argB[t], o = outs[t];
      const A = values[a], O = values[o];
      const sa = vector[a] ? 1 : 0;
      const m = vector[o] ? n : 1;
      const op = ops[t];
      if (b >= 0) {
        const B = values[b];
        const sb = vector[b] ? 1 : 0;
        switch (op) {
          case ADD:
            for (let i = 0; i < m; i++) O[i] = A[i * sa] + B[i * sb];
            break;
          case SUB:
            for (let i = 0; i < m; i++) O[i] = A[i * sa] - B[i * sb];
            break;
          case MUL:
            for (let i = 0; i < m; i++) O[i] = A[i * sa] * B[i * sb];
            break;
          case DIV:
            for (let i = 0; i < m; i++) O[i] = A[i * sa] / B[i * sb];
            break;
          case POW:
            for (let i = 0; i < m; i++) O[i] = Math.pow(A[i * sa], B[i * sb]);
            break;
          case MIN:
            for (let i = 0; i < m; i++) {
              const u = A[i * sa], v = B[i * sb];
              O[i] = u <= v ? u : v;
            }
            break;
          default: // MAX
            for (let i = 0; i < m; i++) {
              const u = A[i * sa], v = B[i * sb];
              O[i] = u >= v ? u : v;
            }
        }
        continue;
      }
      switch (op) {
        case NEG:
          for (let i = 0; i < m; i++) O[i] = -A[i * sa];
          break;
        case EXP:
          for (let i = 0; i < m; i++) O[i] = Math.exp(A[i * sa]);
          break;
        case LOG:
          for (let i = 0; i < m; i++) O[i] = Math.log(A[i * sa]);
          break;
        case LOG10:
          for (let i = 0; i < m; i++) O[i] = Math.log10(A[i * sa]);
          break;
        case SQRT:
          for (let i = 0; i < m; i++) O[i] = Math.sqrt(A[i * sa]);
          break;
        case ABS:
          for (let i = 0; i < m; i++) O[i] = Math.abs(A[i * sa]);
          break;
        default: // SIGMOID
          for (let i = 0; i < m; i++) O[i] = sigmoid(A[i * sa]);
      }
    }
  }

  /**
   * Evaluate and fill the exact Jacobian `jac[i * nParams + j] = ∂f(x_i)/∂p_j` by one reverse
   * sweep over the tape. Where a function has a kink (abs, min, max) the derivative of the
   * active branch is used (min prefers its first argument on ties).
   */
  gradient(x: Columns, p: Float64Array, out: Float64Array, jac: Float64Array): void {
    this.forward(x, p, out);
    const n = out.length;
    const k = this.nParams;
    const adjoints = this.#adjoints, grad = this.#grad;
    for (let r = 0; r < adjoints.length; r++) if (grad[r]) adjoints[r].fill(0);
    const root = this.#root;
    if (grad[root]) adjoints[root].fill(1);
    this.#backward(n);
    for (let j = 0; j < k; j++) {
      const r = this.#paramReg[j];
      if (r < 0) {
        for (let i = 0; i < n; i++) jac[i * k + j] = 0;
      } else {
        const adj = adjoints[r];
        for (let i = 0; i < n; i++) jac[i * k + j] = adj[i];
      }
    }
  }

  #backward(n: number): void {
    const ops = this.#ops, argA = this.#argA, argB = this.#argB, outs = this.#outs;
    const values = this.#values, vector = this.#vector, grad = this.#grad;
    const adjoints = this.#adjoints;
    for (let t = ops.length - 1; t >= 0; t--) {
      const o = outs[t];
      if (!grad[o]) continue;
      const a = argA[t], b = argB[t];
      const G = adjoints[o], O = values[o], A = values[a];
      const so = vector[o] ? 1 : 0, sa = vector[a] ? 1 : 0;
      const ga = grad[a];
      const dA = adjoints[a];
      const op = ops[t];
      if (b >= 0) {
        const B = values[b];
        const sb = vector[b] ? 1 : 0;
        const gb = grad[b];
        const dB = adjoints[b];
        switch (op) {
          case ADD:
            if (ga) { for (let i = 0; i < n; i++) dA[i] += G[i]; }
            if (gb) { for (let i = 0; i < n; i++) dB[i] += G[i]; }
            break;
          case SUB:
            if (ga) { for (let i = 0; i < n; i++) dA[i] += G[i]; }
            if (gb) { for (let i = 0; i < n; i++) dB[i] -= G[i]; }
            break;
          case MUL:
            if (ga) { for (let i = 0; i < n; i++) dA[i] += G[i] * B[i * sb]; }
            if (gb) { for (let i = 0; i < n; i++) dB[i] += G[i] * A[i * sa]; }
            break;
          case DIV:
            if (ga) { for (let i = 0; i < n; i++) dA[i] += G[i] / B[i * sb]; }
            if (gb) { for (let i = 0; i < n; i++) dB[i] -= G[i] * O[i * so] / B[i * sb]; }
            break;
          case POW:
            if (ga) {
              for (let i = 0; i < n; i++) {
                const u = A[i * sa], v = B[i * sb];
                const d = u !== 0 ? O[i * so] * v / u : v * Math.pow(u, v - 1);
                dA[i] += G[i] * d;
              }
            }
            if (gb) {
              for (let i = 0; i < n; i++) {
                const w = O[i * so];
                if (w !== 0) dB[i] += G[i] * w * Math.log(A[i * sa]);
              }
            }
            break;
          case MIN:
            for (let i = 0; i < n; i++) {
              if (A[i * sa] <= B[i * sb]) {
                if (ga) dA[i] += G[i];
              } else if (gb) dB[i] += G[i];
            }
            break;
          default: // MAX
            for (let i = 0; i < n; i++) {
              if (A[i * sa] >= B[i * sb]) {
                if (ga) dA[i] += G[i];
              } else if (gb) dB[i] += G[i];
            }
        }
        continue;
      }
      if (!ga) continue;
      switch (op) {
        case NEG:
          for (let i = 0; i < n; i++) dA[i] -= G[i];
          break;
        case EXP:
          for (let i = 0; i < n; i++) dA[i] += G[i] * O[i * so];
          break;
        case LOG:
          for (let i = 0; i < n; i++) dA[i] += G[i] / A[i * sa];
          break;
        case LOG10:
          for (let i = 0; i < n; i++) dA[i] += G[i] / (A[i * sa] * Math.LN10);
          break;
        case SQRT:
          for (let i = 0; i < n; i++) dA[i] += G[i] * 0.5 / O[i * so];
          break;
        case ABS:
          for (let i = 0; i < n; i++) {
            const u = A[i * sa];
            dA[i] += u > 0 ? G[i] : u < 0 ? -G[i] : 0;
          }
          break;
        default: // SIGMOID
          for (let i = 0; i < n; i++) {
            const s = O[i * so];
            dA[i] += G[i] * s * (1 - s);
          }
      }
    }
  }
}
