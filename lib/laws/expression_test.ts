import assert from "node:assert/strict";
import { InputError } from "../util/errors.ts";
import { rng } from "../util/rng.ts";
import { chinchilla } from "./chinchilla.ts";
import { compileDerived, compileExpression, defaultGrid } from "./expression.ts";
import { formatExpression, parseExpression } from "./_parser.ts";
import { assertJacobian, logUniformColumns, predictAt } from "./_testing.ts";

const random = rng(7);
const next = () => random.next();

/** Evaluate an expression of one column x at the given x values. */
function calc(text: string, ...xs: number[]): number[] {
  return [...compileDerived(text, ["x"]).evaluate({ x: Float64Array.from(xs) })];
}

Deno.test("compileExpression() matches built-in chinchilla predictions and Jacobians exactly", () => {
  const law = compileExpression("E + A/N^alpha + B/D^beta", { inputs: ["N", "D"] });
  assert.equal(law.name, "E + A/N^alpha + B/D^beta");
  assert.deepEqual(law.params.map((s) => s.name), ["E", "A", "alpha", "B", "beta"]);
  // Expression order E, A, alpha, B, beta → built-in order E, A, B, alpha, beta.
  const toBuiltIn = [0, 1, 3, 2, 4];
  const x = logUniformColumns(next, [[1e7, 1e11], [1e8, 1e13]], 40);
  const n = x[0].length;
  for (let t = 0; t < 4; t++) {
    const q = Float64Array.of(
      1 + next(),
      100 + 2000 * next(),
      0.2 + 0.4 * next(),
      100 + 2000 * next(),
      0.2 + 0.4 * next(),
    );
    const p = Float64Array.from(toBuiltIn, (j) => q[j]);
    const outE = new Float64Array(n), jacE = new Float64Array(n * 5);
    const outB = new Float64Array(n), jacB = new Float64Array(n * 5);
    law.jacobian(x, q, outE, jacE);
    chinchilla.jacobian(x, p, outB, jacB);
    for (let i = 0; i < n; i++) {
      assert.ok(Math.abs(outE[i] - outB[i]) <= 1e-15 * outB[i]);
      for (let j = 0; j < 5; j++) {
        const a = jacE[i * 5 + j], b = jacB[i * 5 + toBuiltIn[j]];
        assert.ok(Math.abs(a - b) <= 1e-13 * Math.abs(b), `d/d${law.params[j].name}: ${a} vs ${b}`);
      }
    }
    assert.deepEqual(predictAt(law, x, q), outE);
  }
});

Deno.test("compileExpression() detects the linear parameters of a sum of terms", () => {
  const law = compileExpression("E + A/N^alpha + B/D^beta", { inputs: ["N", "D"] });
  assert.deepEqual(law.linearStructure?.linear, [0, 1, 3]);
  const signed = compileExpression("E - 2*A*N^-alpha/D", { inputs: ["N", "D"] });
  const x = logUniformColumns(next, [[1e6, 1e9], [1e6, 1e9]], 8);
  const p = Float64Array.of(1.5, 30, 0.3);
  const out = [new Float64Array(8), new Float64Array(8)];
  signed.linearStructure?.basis(x, p, out);
  const y = predictAt(signed, x, p);
  for (let i = 0; i < 8; i++) {
    assert.equal(out[0][i], 1);
    assert.ok(Math.abs(p[0] * out[0][i] + p[1] * out[1][i] - y[i]) <= 1e-14 * Math.abs(y[i]));
  }
  // A term without its own coefficient, or a coefficient used twice, rules it out.
  assert.equal(
    compileExpression("E + A/N^alpha + N^0.1", { inputs: ["N"] }).linearStructure,
    undefined,
  );
  assert.equal(compileExpression("E + A/N^A", { inputs: ["N"] }).linearStructure, undefined);
});

Deno.test("compileExpression() gives exact gradients for every function and operator", () => {
  const law = compileExpression(
    "E + A*exp(-k*log(N)) + sqrt(abs(B - N/1e9)) + c*sigmoid(g*(log10(D) - m)) " +
      "+ max(N/1e10, s, 0.01)*min(t, D/1e11) - (N/1e9)^-h/q + 2^(-h*3)",
    { inputs: ["N", "D"] },
  );
  assert.deepEqual(law.params.map((s) => s.name), [
    "E",
    "A",
    "k",
    "B",
    "c",
    "g",
    "m",
    "s",
    "t",
    "h",
    "q",
  ]);
  const N = Float64Array.of(2e8, 5e9, 7e10, 1.5e9);
  const D = Float64Array.of(3e9, 4e10, 2e12, 8e10);
  const p = Float64Array.of(1.7, 50, 0.3, 3.2, 0.8, 2.1, 10.2, 0.4, 0.6, 0.25, 3);
  assertJacobian(law, [N, D], p);
  // Direct scalar formula.
  const out = predictAt(law, [N, D], p);
  const [E, A, k, B, c, g, m, s, t, h, q] = p;
  for (let i = 0; i < 4; i++) {
    const n = N[i], d = D[i];
    const direct = E + A * Math.exp(-k * Math.log(n)) + Math.sqrt(Math.abs(B - n / 1e9)) +
      c / (1 + Math.exp(-g * (Math.log10(d) - m))) +
      Math.max(n / 1e10, s, 0.01) * Math.min(t, d / 1e11) -
      (n / 1e9) ** -h / q + 2 ** (-h * 3);
    assert.ok(Math.abs(out[i] - direct) <= 1e-13 * Math.abs(direct));
  }
});

Deno.test("compileExpression() reuses buffers correctly across column lengths", () => {
  const law = compileExpression("E + A/N^alpha", { inputs: ["N"] });
  const p = Float64Array.of(1, 10, 0.5);
  for (const n of [3, 7, 3, 1]) {
    const N = Float64Array.from({ length: n }, (_, i) => (i + 1) ** 2);
    const out = predictAt(law, [N], p);
    assert.deepEqual([...out], [...N].map((v) => 1 + 10 / Math.sqrt(v)));
  }
});

Deno.test("parser applies precedence and associativity", async (t) => {
  const cases: [string, number, number][] = [
    ["-x^2", 3, -9],
    ["2^-x", 1, 0.5],
    ["x^2^3", 2, 256],
    ["(x^2)^3", 2, 64],
    ["2**x", 3, 8],
    ["x-1-1", 5, 3],
    ["x/2/2", 8, 2],
    ["1+2*x^2", 3, 19],
    ["-(x+1)*2", 1, -4],
    ["--x", 4, 4],
    ["+x", 4, 4],
    ["x*-1", 4, -4],
    [".5*x", 4, 2],
    ["1e-3*x", 4, 0.004],
    ["2.5E2 + x", 1, 251],
    ["min(x, 3, 2)", 5, 2],
    ["max(x, 3)", 5, 5],
    ["sigmoid(x)", 0, 0.5],
    ["-x^2 + 1", 2, -3],
  ];
  for (const [text, x, expected] of cases) {
    await t.step(`${text} at x = ${x} is ${expected}`, () => {
      assert.ok(Math.abs(calc(text, x)[0] - expected) < 1e-12);
    });
  }
});

Deno.test("formatExpression() output parses back to the same expression", () => {
  const texts = [
    "E + A/N^alpha + B/D^beta",
    "-x^2",
    "(-x)^2",
    "a - (b - c)",
    "a/(b*c)",
    "(a^b)^c",
    "a^b^c",
    "a*-b",
    "2^-(x + 1)",
    "exp(-(a + b))*min(a, b, 3)",
    "`embed dim`*x",
    "1e-7*x + 6.02e+23",
  ];
  for (const text of texts) {
    const once = formatExpression(parseExpression(text, "test"));
    assert.equal(formatExpression(parseExpression(once, "test")), once);
  }
  assert.equal(formatExpression(parseExpression("E+A / N ^ alpha", "test")), "E + A/N^alpha");
  assert.equal(formatExpression(parseExpression("(-x)^2", "test")), "(-x)^2");
  assert.equal(formatExpression(parseExpression("a - (b - c)", "test")), "a - (b - c)");
});

Deno.test("compileExpression() reports each error with its position", async (t) => {
  const cases: [string, number | undefined, RegExp][] = [
    [
      "E + A/N^alpha)",
      13,
      /column 14: unmatched '\)'; expected an operator \(\+ - \* \/ \^\) or the end/,
    ],
    ["E + * N", 4, /column 5: unexpected '\*'; expected a number, a name or '\('/],
    ["E + A/N^", 8, /column 9: unexpected end of expression/],
    [
      "(E + N",
      6,
      /column 7: unexpected end of expression; expected '\)' to close '\(' at column 1/,
    ],
    [
      "E + exq(N)",
      4,
      /column 5: unknown function 'exq' \(did you mean 'exp'\?\); expected one of exp, log/,
    ],
    ["E + foo(N)", 4, /unknown function 'foo'; expected one of exp, log, log10, sqrt/],
    ["E + exp(N, A)", 4, /column 5: function 'exp' got 2 arguments; expected 1 argument/],
    ["E + min(N)", 4, /function 'min' got 1 arguments; expected at least 2 arguments/],
    ["E + A#N", 5, /column 6: unexpected character "#"/],
    ["E + 1e+ * N", 4, /column 5: invalid number "1e\+"/],
    ["E + 2N", 5, /column 6: unexpected name right after the number "2"/],
    ["E + A N", 6, /column 7: unexpected name 'N'; expected an operator/],
    ["", 0, /column 1: the expression is empty/],
    ["exp + N", 0, /column 1: function 'exp' has no arguments; expected 'exp\(...\)'/],
    ["E + `N", 4, /column 5: unclosed '`'/],
    ["E + exp(N,)", 10, /column 11: unexpected '\)'; expected a number, a name or '\('/],
    ["N + D", undefined, /has no parameters; expected at least one name that is not an input/],
    ["A + B", undefined, /uses no input; expected at least one of N, D/],
  ];
  for (const [text, position, message] of cases) {
    await t.step(JSON.stringify(text), () => {
      assert.throws(() => compileExpression(text, { inputs: ["N", "D"] }), (err: unknown) => {
        assert.ok(err instanceof InputError);
        assert.equal(err.position, position);
        assert.equal(err.source, text);
        assert.match(err.message, message);
        assert.ok(!err.message.includes("\n"));
        return true;
      });
    });
  }
});

Deno.test("compileExpression() gives exponent-like names the exponent grid", () => {
  const law = compileExpression("E + A/N^alpha_N + B/D^Beta + c*C^gamma2 + k*x^p", {
    inputs: ["N", "D", "C", "x"],
  });
  const grids = Object.fromEntries(law.params.map((s) => [s.name, s.grid]));
  assert.deepEqual(grids.alpha_N, [0.1, 0.3, 0.5]);
  assert.deepEqual(grids.Beta, [0.1, 0.3, 0.5]);
  assert.deepEqual(grids.gamma2, [0.1, 0.3, 0.5]);
  assert.deepEqual(grids.E, [1]);
  assert.deepEqual(grids.p, [1]);
  assert.deepEqual(defaultGrid("kappa"), [0.1, 0.3, 0.5]);
  assert.deepEqual(defaultGrid("α"), [0.1, 0.3, 0.5]);
  const greek = compileExpression("E + A/N^α", { inputs: ["N"] });
  assert.deepEqual(greek.params.map((s) => s.name), ["E", "A", "α"]);
  assert.equal(greek.name, "E + A/N^α");
  assert.deepEqual(law.inputs.map((s) => s.name), ["N", "D", "C", "x"]);
});

Deno.test("compileExpression() folds literal sub-expressions without changing values", () => {
  const folded = compileExpression("E + A*N^(-2*0.17)", { inputs: ["N"] });
  const literal = compileExpression("E + A*N^-0.34", { inputs: ["N"] });
  const N = Float64Array.of(1e6, 1e9);
  const p = Float64Array.of(1.2, 30);
  assert.deepEqual(predictAt(folded, [N], p), predictAt(literal, [N], p));
  assertJacobian(folded, [N], p);
});

Deno.test("compileDerived() evaluates expressions over columns", () => {
  const d = compileDerived("6 * `n params` * tokens", ["n params", "tokens", "loss"]);
  assert.deepEqual(d.columns, ["n params", "tokens"]);
  assert.equal(d.text, "6*`n params`*tokens");
  const out = d.evaluate({ "n params": [1e6, 2e6], tokens: Float64Array.of(2e7, 4e7) });
  assert.deepEqual([...out], [1.2e14, 4.8e14]);
  assert.deepEqual(calc("log(x)/log(2)", 8), [3]);
  assert.deepEqual(compileDerived("x", ["x"]).evaluate({ x: [1, 2] }), Float64Array.of(1, 2));
});

Deno.test("compileDerived() rejects unknown names, empty use and mismatched columns", () => {
  assert.throws(() => compileDerived("vocab_size*embed_dm", ["vocab_size", "embed_dim"]), {
    name: "InputError",
    position: 11,
    message: /column 12: unknown column "embed_dm" \(did you mean "embed_dim"\?\); expected one of/,
  });
  assert.throws(() => compileDerived("2*3", ["x"]), {
    name: "InputError",
    message: /uses no column/,
  });
  const d = compileDerived("a*b", ["a", "b"]);
  assert.throws(() => d.evaluate({ a: [1, 2], b: [1] }), RangeError);
  assert.throws(() => d.evaluate({ a: [1, 2] }), TypeError);
});
