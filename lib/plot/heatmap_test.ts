import assert from "node:assert/strict";
import { heatmap } from "./heatmap.ts";
import { markGroups } from "./_testing.ts";

const cells = [
  { x: "1.4B", y: "Huber", value: 0.0046 },
  { x: "6.9B", y: "Huber", value: 0.04 },
  { x: "1.4B", y: "MSE", value: 0.012 },
  { x: "6.9B", y: "MSE", value: NaN },
];

Deno.test("heatmap() is byte-identical for the same input", () => {
  assert.equal(heatmap({ cells }), heatmap({ cells }));
});

Deno.test("heatmap() draws one cell per record with its value printed", () => {
  const svg = heatmap({ cells }, { format: "percent", xLabel: "Target", valueLabel: "ARE" });
  assert.equal(markGroups(svg, "cell")[0]!.shapes.length, 4);
  for (const text of [">0.46%<", ">4.0%<", ">1.2%<", ">–<", ">Target<", ">ARE<", ">Huber<"]) {
    assert.ok(svg.includes(text), text);
  }
});

Deno.test("heatmap() prints white text on dark cells and dark text on light ones", () => {
  const svg = heatmap({ cells });
  const texts = svg.split('aria-label="text"')[1]!.split("</g>")[0]!;
  const fills = [...texts.matchAll(/<text[^>]*fill="([^"]+)"/g)].map((m) => m[1]);
  // Lowest value is the palest yellow (dark text), highest the darkest red (white text).
  assert.deepEqual(fills.slice(0, 2), ["#111", "white"]);
});

Deno.test("heatmap() centres a diverging scheme and honours the given order", () => {
  const svg = heatmap({ cells: [{ x: "a", y: "r", value: -1 }, { x: "b", y: "r", value: 3 }] }, {
    scheme: "diverging",
    xOrder: ["b", "a"],
  });
  assert.ok(svg.indexOf(">b<") < svg.indexOf(">a<"));
  assert.ok(svg.includes(">−3<") || svg.includes(">−2<")); // colour bar spans [−3, 3]
});
