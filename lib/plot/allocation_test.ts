import assert from "node:assert/strict";
import { allocation } from "./allocation.ts";
import { markGroups } from "./_testing.ts";

const compute = Array.from({ length: 11 }, (_, i) => 10 ** (18 + i));
const nOpt = compute.map((c) => 0.1 * Math.sqrt(c)); // D/N = C / (6 N²) = 100/6
const data = {
  series: [
    {
      label: "Refit",
      compute,
      params: nOpt,
      paramsLower: nOpt.map((n) => n / 2),
      paramsUpper: nOpt.map((n) => n * 2),
    },
    { label: "Hoffmann", compute, params: nOpt.map((n) => n * 1.5) },
  ],
  models: [{ label: "Chinchilla 70B", compute: 5.88e23, params: 70e9, tokens: 1.4e12 }],
};

Deno.test("allocation() is byte-identical for the same input", () => {
  assert.equal(allocation(data), allocation(data));
});

Deno.test("allocation() draws two log-log panels with bands, reference and models", () => {
  const svg = allocation(data);
  assert.ok(svg.includes("Compute-optimal N (parameters)"));
  assert.ok(svg.includes("Tokens per parameter D/N"));
  assert.equal(svg.split("Compute C (FLOPs)").length - 1, 2);
  // Per panel: one band (only "Refit" has one), two lines, one diamond.
  const areas = markGroups(svg, "area");
  assert.deepEqual(areas.map((a) => a.shapes.length), [1, 1]);
  const dots = markGroups(svg, "dot");
  assert.deepEqual(dots.map((d) => d.shapes.length), [1, 1]);
  assert.equal(svg.split(">Chinchilla 70B<").length - 1, 2);
  assert.ok(svg.includes(">D/N = 20<") && svg.includes(">80% interval<"));
  assert.equal(markGroups(svg, "rule").length, 1); // D/N = 20 on the right panel
});

Deno.test("allocation() derives the ratio band from the N band (D = C / 6N)", () => {
  // N band [n/10, 10n] gives the D/N band [ratio/100, 100 ratio] = [0.167, 1667]: the right
  // panel's log axis must reach 10³, which the ratio alone (16.7) would not.
  const series = [{
    label: "Wide",
    compute,
    params: nOpt,
    paramsLower: nOpt.map((n) => n / 10),
    paramsUpper: nOpt.map((n) => n * 10),
  }];
  const svg = allocation({ series }, { ratio: null });
  assert.ok(svg.includes(">10³<") && svg.includes(">10⁻¹<"));
  const narrow = allocation({ series: [{ label: "Line", compute, params: nOpt }] }, {
    ratio: null,
  });
  assert.ok(!narrow.includes(">10³<"));
  assert.ok(!svg.includes(">D/N = 20<"));
  assert.equal(markGroups(svg, "rule").length, 0);
});

Deno.test("allocation() rejects a non-positive compute", () => {
  assert.throws(
    () => allocation({ series: [{ label: "x", compute: [0], params: [1] }] }),
    /Cannot draw allocation: series "x" compute at 0 is 0/,
  );
});

Deno.test("allocation() draws reference curves dashed without a band and models in the legend", () => {
  const svg = allocation({
    series: [
      { ...data.series[0]! },
      { label: "Hoffmann et al.", compute, params: nOpt.map((n) => n * 1.5), reference: true },
    ],
    models: data.models,
  });
  const lines = markGroups(svg, "line");
  // Per panel: the fit's solid line, then the reference's dashed line (plus the D/N = 20 line
  // on the left panel).
  const dashed = lines.filter((l) => l.attributes.includes('stroke-dasharray="9,4"'));
  assert.equal(dashed.length, 2);
  assert.deepEqual(markGroups(svg, "area").map((a) => a.shapes.length), [1, 1]);
  assert.ok(svg.includes(">Hoffmann et al.<"));
  // Its legend swatch has the same dashes.
  assert.match(svg, /<line [^>]*stroke-dasharray="9,4" \/>\s*<text[^>]*>Hoffmann et al\.</);
  assert.ok(svg.includes(">Trained model<"));
  // Chinchilla (right of the middle of 1e18..1e28) is labelled on the left of its marker.
  const label = svg.match(/<g[^>]*text-anchor="end"[^>]*>\s*<text[^>]*>Chinchilla 70B</);
  assert.ok(label, "Chinchilla's label is right-aligned (left of the marker)");
});
