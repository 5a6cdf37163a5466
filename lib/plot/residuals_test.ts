import assert from "node:assert/strict";
import { residuals } from "./residuals.ts";
import { markGroups } from "./_testing.ts";

const points = [1e8, 2e8, 5e8, 1e9, 2e9, 5e9].map((x, i) => ({
  x,
  residual: [0.01, -0.02, 0.005, -0.004, 0.03, -0.012][i]!,
  series: i < 3 ? "small" : "large",
}));

Deno.test("residuals() is byte-identical for the same input", () => {
  assert.equal(residuals({ points }), residuals({ points }));
});

Deno.test("residuals() draws one dot per point, a zero line and the RMSE", () => {
  const svg = residuals({ points }, { seriesLabel: "Size" });
  assert.equal(markGroups(svg, "dot")[0]!.shapes.length, 6);
  assert.equal(markGroups(svg, "rule")[0]!.shapes.length, 1);
  // numpy: sqrt(mean([0.01, -0.02, 0.005, -0.004, 0.03, -0.012] ** 2)) = 0.0162532
  assert.ok(svg.includes(">RMSE = 0.0163<"));
  for (const label of ["Model size N (parameters)", "Residual (log loss)", ">Size<", ">small<"]) {
    assert.ok(svg.includes(label), label);
  }
});

Deno.test("residuals() has no legend without series", () => {
  const svg = residuals({ points: points.map(({ x, residual }) => ({ x, residual })) });
  assert.ok(!svg.includes('aria-label="legend"'));
});

Deno.test("residuals() rejects a non-finite residual", () => {
  assert.throws(() => residuals({ points: [{ x: 1, residual: NaN }] }), {
    name: "RangeError",
    message: "Cannot draw residuals: point residual at 0 is NaN; expected a finite number",
  });
});
