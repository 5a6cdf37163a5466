import assert from "node:assert/strict";
import { InputError } from "../util/errors.ts";
import { chinchilla } from "./chinchilla.ts";
import { compileExpression } from "./expression.ts";
import { DEFAULT_INPUTS, getLaw, listLaws, registerLaw } from "./registry.ts";

Deno.test("getLaw() finds built-in laws by name, ignoring case and spaces", () => {
  assert.equal(getLaw("chinchilla"), chinchilla);
  assert.equal(getLaw(" Chinchilla "), chinchilla);
  assert.equal(getLaw("DATA-CONSTRAINED").name, "data-constrained");
});

Deno.test("listLaws() lists the seven built-in laws", () => {
  const names = listLaws().map((law) => law.name);
  for (
    const name of [
      "chinchilla",
      "chinchilla-tied",
      "kaplan",
      "kaplan-e",
      "power-law",
      "overtraining",
      "data-constrained",
    ]
  ) {
    assert.ok(names.includes(name), name);
  }
});

Deno.test("getLaw() suggests a registered name for a near miss", () => {
  assert.throws(() => getLaw("chinchila"), {
    name: "InputError",
    message: /Cannot find law "chinchila" \(did you mean "chinchilla"\?\); expected one of/,
  });
  assert.throws(() => getLaw("kaplan-f"), /did you mean "kaplan-e"/);
  assert.throws(() => getLaw("powerlaw"), /did you mean "power-law"/);
  assert.throws(() => getLaw("zzz"), (err: unknown) => {
    assert.ok(err instanceof InputError);
    assert.ok(!err.message.includes("did you mean"));
    return true;
  });
});

Deno.test("getLaw() treats canonical names used by an expression as its inputs", () => {
  const law = getLaw("B/D^beta + A/N^alpha + E");
  assert.deepEqual(law.inputs.map((s) => s.name), ["N", "D"]);
  assert.deepEqual(law.params.map((s) => s.name), ["B", "beta", "A", "alpha", "E"]);
  assert.deepEqual(getLaw("E + A*C^-alpha").inputs.map((s) => s.name), ["C"]);
  assert.deepEqual(DEFAULT_INPUTS, ["N", "D", "C", "U", "M", "x"]);
  // A hyphenated name that is a valid expression is compiled as one.
  assert.deepEqual(getLaw("N-alpha").params.map((s) => s.name), ["alpha"]);
});

Deno.test("getLaw() uses options.inputs for other column names", () => {
  const law = getLaw("E + A/params^alpha", { inputs: ["params"] });
  assert.deepEqual(law.inputs.map((s) => s.name), ["params"]);
  assert.deepEqual(law.params.map((s) => s.name), ["E", "A", "alpha"]);
  // Without the option, N would be an input; with it, N is a parameter.
  assert.deepEqual(getLaw("N*x", { inputs: ["x"] }).params.map((s) => s.name), ["N"]);
  assert.throws(() => getLaw("E + A/params^alpha"), {
    name: "InputError",
    message:
      /uses none of the default inputs N, D, C, U, M, x; expected one of them, or the inputs option/,
  });
});

Deno.test("getLaw() passes expression syntax errors through with their position", () => {
  assert.throws(() => getLaw("E + A/N^^alpha"), { name: "InputError", position: 8 });
});

Deno.test("registerLaw() adds a law and refuses taken or malformed names", () => {
  const law = compileExpression("E + A*x^-alpha", { inputs: ["x"], name: "registry-test-law" });
  registerLaw(law);
  assert.equal(getLaw("registry-test-law"), law);
  assert.throws(() => registerLaw(law), RangeError);
  const other = { ...law };
  registerLaw(other, { replace: true });
  assert.equal(getLaw("registry-test-law"), other);
  assert.throws(() => registerLaw({ ...law, name: "E + A" }), RangeError);
  assert.throws(() => registerLaw({ ...chinchilla }), RangeError);
});

Deno.test("listLaws() every registered law documents formula, paper and valid start grids", () => {
  // Other tests register throw-away laws named "...test..."; every shipped law is checked.
  for (const law of listLaws().filter((l) => !l.name.includes("test"))) {
    assert.ok(law.formula.length > 0 && law.doc.length > 0, law.name);
    assert.ok(law.paper !== undefined && law.paper.length > 0, `${law.name} names its paper`);
    for (const s of law.params) {
      assert.ok(s.grid.length > 0 && s.grid.every(Number.isFinite), `${law.name}.${s.name}`);
      if (s.scale === "log") assert.ok(s.grid.every((v) => v > 0), `${law.name}.${s.name}`);
      if (s.min !== undefined) assert.ok(s.grid.every((v) => v >= (s.min as number)));
    }
  }
  assert.ok(listLaws().length >= 32);
});

Deno.test("getLaw() finds the downstream mappings and builds input-shaped laws", () => {
  // The issue-7 catalog names are checked through the CLI in lib/cli/fit_laws_test.ts.
  const names = ["sigmoid", "sigmoid-floor", "exp-error", "loss-to-loss", "direct"];
  for (const name of names) assert.equal(getLaw(name).name, name);
  assert.deepEqual(
    getLaw("data-mixing", { inputs: ["r1", "r2", "r3"] }).inputs.map((s) => s.name),
    ["r1", "r2", "r3"],
  );
  assert.equal(getLaw("bnsl-3").params.length, 3 + 3 * 3);
});
