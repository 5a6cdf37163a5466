import assert from "node:assert/strict";
import { bootstrapHistograms } from "./bootstrap_histograms.ts";
import { markGroups } from "./_testing.ts";

// 1000 evenly spread draws on [0, 1]: the 2.5% / 97.5% quantiles are 0.025 and 0.975.
const uniform = Array.from({ length: 1001 }, (_, i) => i / 1000);
const data = {
  parameters: [
    { name: "α", draws: uniform, estimate: 0.5 },
    {
      name: "β",
      draws: Float64Array.from(uniform, (u) => 2 * u),
      estimate: 1,
      lower: 0.1,
      upper: 1.9,
    },
    { name: "E", draws: [1, 2, NaN, 3], estimate: 2 },
  ],
};

Deno.test("bootstrapHistograms() is byte-identical for the same input", () => {
  assert.equal(bootstrapHistograms(data), bootstrapHistograms(data));
});

Deno.test("bootstrapHistograms() draws one panel per parameter with bins, estimate and interval", () => {
  const svg = bootstrapHistograms(data, { bins: 20 });
  const rects = markGroups(svg, "rect");
  assert.equal(rects.length, 3 * 2); // interval band + bars, per panel
  assert.equal(rects[1]!.shapes.length, 20);
  assert.equal(rects[3]!.shapes.length, 20);
  assert.equal(markGroups(svg, "rule").length, 3 * 2);
  assert.ok(svg.includes(">α = 0.50<") && svg.includes(">[0.03, 0.97]<"));
  assert.ok(svg.includes(">β = 1.0<") && svg.includes(">[0.1, 1.9]<"));
  assert.ok(svg.includes(">E = 2.0<")); // NaN draws are ignored
  assert.ok(svg.includes(">Estimate<") && svg.includes(">95% interval<"));
});

Deno.test("bootstrapHistograms() bar counts add up to the number of finite draws", () => {
  const svg = bootstrapHistograms({ parameters: [data.parameters[0]!] }, { bins: 10 });
  const bars = svg.split('aria-label="rect"')[2]!.split("</g>")[0]!;
  const heights = [...bars.matchAll(/<rect[^>]*height="([\d.]+)"/g)].map((m) => Number(m[1]));
  assert.equal(heights.length, 10);
  // Equal bins of 1001 uniform draws: 100 each, the last 101; all bars (nearly) equally high.
  assert.ok(Math.max(...heights) - Math.min(...heights) < 0.02 * Math.max(...heights));
});

Deno.test("bootstrapHistograms() rejects a parameter without finite draws", () => {
  assert.throws(
    () => bootstrapHistograms({ parameters: [{ name: "A", draws: [NaN], estimate: 1 }] }),
    {
      name: "RangeError",
      message: 'Cannot draw bootstrapHistograms: draws of "A" is empty; expected at least one',
    },
  );
});

Deno.test("bootstrapHistograms() bins log-scale parameters equally in log x on a log axis", () => {
  // Draws 10^u for u evenly on [2, 4]: equal counts per bin in log space.
  const draws = Array.from({ length: 1001 }, (_, i) => 10 ** (2 + (2 * i) / 1000));
  const svg = bootstrapHistograms({
    parameters: [{ name: "B", draws, estimate: 1000, scale: "log" }],
  }, { bins: 10 });
  assert.ok(svg.includes(">[112, 8913] (log axis)<")); // 10^2.05 and 10^3.95
  // 1-2-5 ticks of a two-decade log axis.
  for (const tick of [">100<", ">200<", ">500<", ">1000<", ">10000<"]) {
    assert.ok(svg.includes(tick));
  }
  const bars = svg.split('aria-label="rect"')[2]!.split("</g>")[0]!;
  const widths = [...bars.matchAll(/<rect[^>]*width="([\d.]+)"/g)].map((m) => Number(m[1]));
  const heights = [...bars.matchAll(/<rect[^>]*height="([\d.]+)"/g)].map((m) => Number(m[1]));
  assert.equal(widths.length, 10);
  // Equal widths on the log axis and (nearly) equal counts.
  assert.ok(Math.max(...widths) - Math.min(...widths) < 0.01 * Math.max(...widths));
  assert.ok(Math.max(...heights) - Math.min(...heights) < 0.02 * Math.max(...heights));
});

Deno.test("bootstrapHistograms() keeps a linear axis for a log-scale parameter spanning < 2x", () => {
  const draws = Array.from({ length: 101 }, (_, i) => 1.7 + i / 1000);
  const svg = bootstrapHistograms({
    parameters: [{ name: "E", draws, estimate: 1.75, scale: "log" }],
  });
  assert.ok(!svg.includes("(log axis)"));
});
