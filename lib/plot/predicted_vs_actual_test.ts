import assert from "node:assert/strict";
import { predictedVsActual } from "./predicted_vs_actual.ts";
import { markGroups } from "./_testing.ts";

const points = [
  { actual: 2.012, predicted: 2.051, label: "1.4B", lower: 2.02, upper: 2.08 },
  { actual: 1.925, predicted: 1.903, label: "6.9B" },
  { actual: 2.64, predicted: 2.64 },
];

Deno.test("predictedVsActual() is byte-identical for the same input", () => {
  assert.equal(predictedVsActual({ points }), predictedVsActual({ points }));
});

Deno.test("predictedVsActual() prints signed relative errors next to the points", () => {
  const svg = predictedVsActual({ points });
  // (2.051 - 2.012) / 2.012 = +1.938%; (1.903 - 1.925) / 1.925 = -1.143%; 0 exactly.
  assert.ok(svg.includes(">1.4B: +1.94%<"));
  assert.ok(svg.includes(">6.9B: −1.14%<"));
  assert.ok(svg.includes(">+0.00%<"));
  assert.equal(markGroups(svg, "dot")[0]!.shapes.length, 3);
  assert.equal(markGroups(svg, "rule")[0]!.shapes.length, 1); // one interval bar
  assert.equal(markGroups(svg, "line")[0]!.shapes.length, 1); // y = x
  assert.ok(svg.includes("Actual loss") && svg.includes("Predicted loss"));
});

Deno.test("predictedVsActual() hides error labels when asked", () => {
  const svg = predictedVsActual({ points }, { errorLabels: false });
  assert.ok(!svg.includes("%<"));
});

Deno.test("predictedVsActual() moves labels apart when points share a prediction", () => {
  // Two seeds of each target: the same prediction, slightly different actual values.
  const pairs = [2.45, 2.54, 2.64, 2.76].flatMap((p) => [
    { actual: p - 0.005, predicted: p },
    { actual: p + 0.01, predicted: p },
  ]);
  const svg = predictedVsActual({ points: pairs });
  const boxes = [
    ...svg.matchAll(/<text transform="translate\(([\d.]+),([\d.]+)\)"[^>]*>([+−][^<]*%)</g),
  ]
    .map((m) => ({ x: Number(m[1]), y: Number(m[2]), w: 6.5 * m[3]!.length }));
  assert.equal(boxes.length, 8);
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!, b = boxes[j]!;
      const apart = Math.abs(a.y - b.y) >= 12 || Math.abs(a.x - b.x) >= Math.max(a.w, b.w);
      assert.ok(apart, `labels ${i} and ${j} overlap at (${a.x}, ${a.y}) and (${b.x}, ${b.y})`);
    }
  }
});
