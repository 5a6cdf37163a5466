import assert from "node:assert/strict";
import { makeLadder, type ObservationRecord } from "./schema.ts";
import { checkQuality } from "./quality.ts";

/** Two runs with smooth losses and accuracies at steps 1..8 (tokens = step · 1e9). */
function clean(): { loss: number[][]; acc: number[][]; tokens: number[][] } {
  const steps = [1, 2, 3, 4, 5, 6, 7, 8];
  return {
    loss: [0, 1].map((r) => steps.map((s) => 2 + r * 0.1 + 3 / s)),
    acc: [0, 1].map((r) => steps.map((s) => 0.2 + 0.05 * s + 0.01 * r)),
    tokens: [0, 1].map(() => steps.map((s) => s * 1e9)),
  };
}

function build(d: ReturnType<typeof clean>) {
  const checkpoints: { run: number; step: number; tokens: number; flops: number }[] = [];
  const observations: ObservationRecord[] = [];
  d.loss.forEach((losses, r) => {
    losses.forEach((v, k) => {
      const c = checkpoints.length;
      checkpoints.push({ run: r, step: k + 1, tokens: d.tokens[r][k], flops: NaN });
      observations.push({ checkpoint: c, metric: "loss", value: v });
      observations.push({ checkpoint: c, metric: "acc", value: d.acc[r][k] });
    });
  });
  return makeLadder({
    runs: [{ id: "a", params: 1e8 }, { id: "b", params: 2e8 }],
    checkpoints,
    observations,
    metricKinds: { loss: "loss", acc: "accuracy" },
  });
}

const count = (r: ReturnType<typeof checkQuality>, code: string) =>
  r.checks.find((c) => c.code === code)!.count;

Deno.test("checkQuality() finds nothing on clean runs", () => {
  const r = checkQuality(build(clean()));
  assert.deepEqual(r.checks.map((c) => c.count), [0, 0, 0, 0]);
  assert.equal(r.warnings.length, 0);
  assert.deepEqual(r.metrics, ["loss"]);
});

Deno.test("checkQuality() detects planted duplicates, spikes and non-increasing tokens", () => {
  const d = clean();
  // Duplicate: step 7 of run b repeats step 3 (every metric identical), as a mislabelled
  // checkpoint would (3.1 is below 1.1 × the trailing median 2.85, so not a spike).
  d.loss[1][6] = d.loss[1][2];
  d.acc[1][6] = d.acc[1][2];
  // Spike in run a at step 6: 30% above the trailing median.
  d.loss[0][5] = 1.3 * d.loss[0][4];
  // Tokens of run a at step 5 equal those at step 4.
  d.tokens[0][4] = d.tokens[0][3];
  const r = checkQuality(build(d));
  assert.equal(count(r, "quality.duplicate-checkpoints"), 1);
  assert.equal(count(r, "quality.loss-spikes"), 1);
  assert.equal(count(r, "quality.tokens-not-increasing"), 1);
  assert.equal(count(r, "quality.too-few-points"), 0);
  assert.match(r.checks[0].examples[0], /^b: step 3 and step 7 have identical values/);
  assert.equal(r.warnings.length, 3);
});

Deno.test("checkQuality() flags runs with too few points", () => {
  const d = clean();
  d.loss = d.loss.map((l) => l.slice(0, 2));
  d.acc = d.acc.map((l) => l.slice(0, 2));
  d.tokens = d.tokens.map((l) => l.slice(0, 2));
  const r = checkQuality(build(d), { minPoints: 3 });
  assert.equal(count(r, "quality.too-few-points"), 2);
  assert.throws(
    () => checkQuality(build(d), { metrics: ["los"] }),
    /metric "los" is not in the ladder/,
  );
});
