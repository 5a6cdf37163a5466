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
