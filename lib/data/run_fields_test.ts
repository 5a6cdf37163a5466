import assert from "node:assert/strict";
import { withRunFields } from "./run_fields.ts";
import { makeLadder } from "./schema.ts";

const ladder = makeLadder({
  runs: [
    { id: "mix-10", params: 1e8, fields: { lr: 3e-4 } },
    { id: "mix-90", params: 1e8 },
  ],
  checkpoints: [{ run: 0, step: 1, tokens: 1e9, flops: NaN }, {
    run: 1,
    step: 1,
    tokens: 1e9,
    flops: NaN,
  }],
  observations: [{ checkpoint: 0, metric: "loss", value: 3 }, {
    checkpoint: 1,
    metric: "loss",
    value: 2.5,
  }],
});

Deno.test("withRunFields() adds fields to the named runs, keeps their other fields and leaves the input unchanged", () => {
  const out = withRunFields(
    ladder,
    { "mix-10": { web: 0.1, lr: 1e-3 }, "mix-90": { web: 0.9 } },
    "t",
  );
  assert.deepEqual(out.runs.map((r) => r.fields), [{ lr: 1e-3, web: 0.1 }, { web: 0.9 }]);
  assert.deepEqual(ladder.runs[0].fields, { lr: 3e-4 });
  assert.equal(ladder.runs[1].fields, undefined);
  assert.equal(out.observations, ladder.observations);
});

Deno.test("withRunFields() names an unknown run with the nearest id, and a non-finite value with its field", () => {
  assert.throws(
    () => withRunFields(ladder, { "mix-19": { web: 0.1 } }, "steps[0].runFields"),
    /Cannot join steps\[0\]\.runFields: run "mix-19" is not in the data \(2 runs\); expected the id of a loaded run; did you mean "mix-10"\?/,
  );
  assert.throws(
    () => withRunFields(ladder, { "mix-10": { web: NaN } }, "t"),
    /field "web" of run "mix-10" is NaN; expected a finite number/,
  );
});

Deno.test("withRunFields() refuses a field named like a built-in column or a metric, which a fit would read instead", () => {
  assert.throws(
    () => withRunFields(ladder, { "mix-10": { N: 1.2e9 } }, "t"),
    /field "N" of run "mix-10" has the name of a built-in column, which a fit would read instead/,
  );
  assert.throws(
    () => withRunFields(ladder, { "mix-10": { loss: 2 } }, "t"),
    /field "loss" of run "mix-10" has the name of a metric/,
  );
});
