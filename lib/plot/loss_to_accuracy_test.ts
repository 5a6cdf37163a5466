import assert from "node:assert/strict";
import { lossToAccuracy } from "./loss_to_accuracy.ts";
import { markGroups } from "./_testing.ts";

const f = (l: number) => 0.25 + 0.5 / (1 + Math.exp(3 * (l - 2.6)));
const losses = [2.2, 2.4, 2.6, 2.8, 3.0, 3.4];
const grid = Array.from({ length: 30 }, (_, i) => 2 + i * 0.05);
const data = {
  points: losses.map((loss, i) => ({
    loss,
    accuracy: f(loss),
    series: i < 3 ? 1e9 : 1e8,
    heldOut: i === 0,
  })),
  curve: {
    loss: grid,
    accuracy: grid.map(f),
    lower: grid.map((l) => f(l) - 0.02),
    upper: grid.map((l) => f(l) + 0.02),
  },
  chance: 0.25,
};

Deno.test("lossToAccuracy() is byte-identical for the same input", () => {
  assert.equal(lossToAccuracy(data), lossToAccuracy(data));
});

Deno.test("lossToAccuracy() draws points, held-out points hollow, curve, band and chance", () => {
  const svg = lossToAccuracy(data);
  const [fitted, held] = markGroups(svg, "dot");
  assert.equal(fitted!.shapes.length, 5);
  assert.equal(held!.shapes.length, 1);
  assert.ok(held!.attributes.includes('fill="white"'));
  assert.equal(markGroups(svg, "line")[0]!.shapes.length, 1);
  assert.equal(markGroups(svg, "area")[0]!.shapes.length, 1);
  assert.equal(markGroups(svg, "rule")[0]!.shapes.length, 1);
  for (const label of [">Chance (0.25)<", ">100M<", ">1B<", ">Held out<", ">Loss<", ">Accuracy<"]) {
    assert.ok(svg.includes(label), label);
  }
});

Deno.test("lossToAccuracy() works without curve and chance", () => {
  const svg = lossToAccuracy({ points: [{ loss: 3, accuracy: 0.3 }, { loss: 2, accuracy: 0.5 }] });
  assert.equal(markGroups(svg, "line").length, 0);
  assert.ok(!svg.includes("Chance"));
});
