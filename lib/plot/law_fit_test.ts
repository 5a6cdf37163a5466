import assert from "node:assert/strict";
import { lawFit } from "./law_fit.ts";
import { count, markGroups } from "./_testing.ts";

const law = (n: number, d: number) => 1.69 + 406.4 / n ** 0.34 + 410.7 / d ** 0.28;
const sizes = [1e8, 4e8, 1.4e9];
const grid = Array.from({ length: 21 }, (_, i) => 10 ** (9 + i * 0.15)); // 1e9..1e12
const data = {
  points: sizes.flatMap((n) => [1e9, 3e9, 1e10].map((x) => ({ x, loss: law(n, x), series: n }))),
  curves: sizes.map((n) => ({
    series: n,
    x: grid,
    loss: grid.map((x) => law(n, x)),
    lower: grid.map((x) => law(n, x) - 0.02),
    upper: grid.map((x) => law(n, x) + 0.02),
  })),
  targets: [{ series: 1.4e9, x: 1e12, loss: law(1.4e9, 1e12) * 1.01, label: "1.4B target" }],
};

Deno.test("lawFit() is byte-identical for the same input", () => {
  assert.equal(lawFit(data), lawFit(data));
});

Deno.test("lawFit() draws fitted lines solid and extrapolations dashed, per series", () => {
  const svg = lawFit(data);
  const lines = markGroups(svg, "line");
  assert.equal(lines.length, 2);
  assert.ok(!lines[0]!.attributes.includes("stroke-dasharray"));
  assert.ok(lines[1]!.attributes.includes('stroke-dasharray="5,3"'));
  assert.equal(lines[0]!.shapes.length, 3);
  assert.equal(lines[1]!.shapes.length, 3);
  assert.equal(markGroups(svg, "area")[0]!.shapes.length, 3);
});

Deno.test("lawFit() marks targets hollow and labels series by size", () => {
  const svg = lawFit(data, { xAxis: "compute" });
  const [points, targets] = markGroups(svg, "dot");
  assert.equal(points!.shapes.length, 9);
  assert.equal(targets!.shapes.length, 1);
  assert.ok(targets!.attributes.includes('fill="white"'));
  assert.ok(svg.includes(">1.4B target<"));
  for (const label of [">100M<", ">400M<", ">1.4B<", ">Held-out target<", ">Extrapolation<"]) {
    assert.ok(svg.includes(label), label);
  }
  assert.ok(svg.includes("Training compute C (FLOPs)"));
  assert.equal(count(svg, "Training tokens D"), 0);
});

Deno.test("lawFit() draws a curve fully dashed when its series has no points", () => {
  const svg = lawFit({
    points: [{ x: 1e9, loss: 3, series: "a" }],
    curves: [{ series: "b", x: [1e9, 1e10], loss: [3, 2.5] }],
  });
  const lines = markGroups(svg, "line"); // Plot leaves out the empty solid-line mark
  assert.equal(lines.length, 1);
  assert.ok(lines[0]!.attributes.includes('stroke-dasharray="5,3"'));
  assert.equal(lines[0]!.shapes.length, 1);
});

Deno.test("lawFit() draws the law dashed below a series' smallest observed x too", () => {
  // Observed at 1e10..1e11 only; the curve spans 1e9..1e12.
  const xs = [1e9, 3e9, 1e10, 3e10, 1e11, 3e11, 1e12];
  const svg = lawFit({
    points: [1e10, 3e10, 1e11].map((x) => ({ x, loss: law(1e9, x), series: 1e9 })),
    curves: [{ series: 1e9, x: xs, loss: xs.map((x) => law(1e9, x)) }],
  });
  const [solid, dashed] = markGroups(svg, "line");
  assert.equal(solid!.shapes.length, 1);
  assert.equal(dashed!.shapes.length, 2); // below 1e10 and beyond 1e11
  // The solid part starts and ends exactly at the observed range: 3 samples, 2 segments.
  const d = svg.split('aria-label="line"')[1]!.match(/<path[^>]*d="([^"]+)"/)![1]!;
  assert.equal(d.split("L").length, 3);
});

Deno.test("lawFit() puts a mixture share on a linear axis, 0 included, solid over the fitted shares", () => {
  const mix = (r: number) => 2.45 + 0.5 * Math.exp(-4 * r);
  const shares = Array.from({ length: 11 }, (_, i) => i / 10);
  const svg = lawFit({
    points: [0, 0.2, 0.4, 0.6].map((x) => ({ x, loss: mix(x), series: "loss" })),
    curves: [{ series: "loss", x: shares, loss: shares.map(mix) }],
    targets: [{ series: "loss", x: 0.9, loss: mix(0.9) }],
  }, { xType: "linear", xLabel: "Share of C4" });
  assert.ok(svg.includes("Share of C4"));
  const [solid, dashed] = markGroups(svg, "line");
  assert.equal(solid!.shapes.length, 1);
  assert.equal(dashed!.shapes.length, 1);
  // On a log axis the share 0 is not drawable: the point is rejected.
  assert.throws(
    () =>
      lawFit({
        points: [{ x: 0, loss: 3, series: "loss" }],
        curves: [{ series: "loss", x: [0.5], loss: [3] }],
      }),
    /point x at 0/,
  );
});
