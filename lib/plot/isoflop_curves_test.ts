import assert from "node:assert/strict";
import { isoflopCurves } from "./isoflop_curves.ts";
import { markGroups } from "./_testing.ts";

// Three budgets with exact parabolas in log10 N; the last one is concave (no minimum).
const budgets = [
  { flops: 1e19, vertex: 8.2, c2: 0.3 },
  { flops: 1e20, vertex: 8.7, c2: 0.3 },
  { flops: 1.0004e21, vertex: 9.2, c2: -0.3 },
];
const points = budgets.flatMap((b) =>
  [-0.6, -0.3, 0, 0.3, 0.6].map((u) => ({
    flops: b.flops,
    params: 10 ** (b.vertex + u),
    loss: 3 - Math.log10(b.flops) / 20 + b.c2 * u * u,
  }))
);

Deno.test("isoflopCurves() is byte-identical for the same input", () => {
  assert.equal(isoflopCurves({ points }), isoflopCurves({ points }));
});

Deno.test("isoflopCurves() draws runs, one curve per budget and minima of convex fits", () => {
  const svg = isoflopCurves({ points });
  const [runs, minima] = markGroups(svg, "dot");
  assert.equal(runs!.shapes.length, 15);
  assert.equal(minima!.shapes.length, 2); // the concave budget has no minimum
  assert.equal(markGroups(svg, "line")[0]!.shapes.length, 3);
  assert.ok(svg.includes("Model size N (parameters)") && svg.includes(">Loss<"));
  // Budgets are grouped to 3 significant digits: 1.0004e21 is labelled 10²¹.
  for (const label of [">10¹⁹<", ">10²⁰<", ">10²¹<", ">Minimum<"]) assert.ok(svg.includes(label));
});

Deno.test("isoflopCurves() uses given curves and minima without fitting", () => {
  const svg = isoflopCurves({
    points,
    curves: [{ flops: 1e19, params: [1e8, 1e9], loss: [2, 2] }],
    minima: [],
  });
  assert.equal(markGroups(svg, "line")[0]!.shapes.length, 1);
  assert.ok(!svg.includes(">Minimum<"));
});

Deno.test("isoflopCurves() with fit none draws only the runs", () => {
  const svg = isoflopCurves({ points }, { fit: "none" });
  assert.equal(markGroups(svg, "line").length, 0);
});

Deno.test("isoflopCurves() shows a colour bar instead of a swatch per budget above 10 budgets", () => {
  const many = Array.from({ length: 12 }, (_, k) => 10 ** (18 + k / 3)).flatMap((flops) =>
    [-0.4, 0, 0.4].map((u) => ({ flops, params: 10 ** (8 + u), loss: 3 + u * u }))
  );
  const svg = isoflopCurves({ points: many });
  assert.equal((svg.match(/<stop /g) ?? []).length, 17); // the colour bar's gradient
  assert.ok(!svg.includes(">Minimum<"));
  // Bar labels: whole decades plus both ends (10¹⁸ is an end; 10^21.67 is 4.6×10²¹).
  for (const label of [">10¹⁸<", ">10¹⁹<", ">10²⁰<", ">10²¹<", ">4.6×10²¹<"]) {
    assert.ok(svg.includes(label), label);
  }
  const few = isoflopCurves({ points });
  assert.ok(!few.includes("<stop ") && few.includes(">Minimum<"));
});
