import assert from "node:assert/strict";
import { dataOverview } from "./data_overview.ts";
import { count, markGroups } from "./_testing.ts";

const points = [1e8, 3e8, 1e9, 3e9].flatMap((n, i) =>
  [1e19, 1e20, 1e21].map((c, j) => ({ params: n, flops: c, loss: 3.5 - 0.2 * i - 0.3 * j }))
);

Deno.test("dataOverview() is byte-identical for the same input", () => {
  assert.equal(dataOverview({ points }), dataOverview({ points }));
});

Deno.test("dataOverview() draws one dot per point on labelled log-log axes", () => {
  const svg = dataOverview({ points }, { title: "Runs", caption: "Caption text" });
  const dots = markGroups(svg, "dot");
  assert.equal(dots.length, 1);
  assert.equal(dots[0]!.shapes.filter((s) => s === "circle").length, 12);
  for (const label of ["Model size N (parameters)", "Training compute C (FLOPs)", ">Loss<"]) {
    assert.ok(svg.includes(label), label);
  }
  for (const tick of ["10¹⁹", "10²⁰", "10²¹", "10⁹"]) assert.ok(svg.includes(`>${tick}<`), tick);
  assert.ok(svg.includes(">Runs<") && svg.includes(">Caption text<"));
  assert.equal(count(svg, "<stop "), 17); // colour bar gradient
});

Deno.test("dataOverview() colours the lowest loss darkest (viridis start)", () => {
  const svg = dataOverview({ points });
  // The colour of the point drawn last (lowest loss) is the ramp's first stop.
  const fills = [...svg.matchAll(/<circle[^>]*fill="([^"]+)"/g)].map((m) => m[1]);
  const firstStop = svg.match(/<stop[^>]*stop-color="([^"]+)"/)![1];
  assert.equal(fills.at(-1), firstStop);
});

Deno.test("dataOverview() rejects a non-positive model size", () => {
  assert.throws(() => dataOverview({ points: [{ params: 0, flops: 1e19, loss: 3 }] }), {
    name: "RangeError",
    message:
      "Cannot draw dataOverview: point params at 0 is 0; expected a positive number (log axis)",
  });
});

Deno.test("dataOverview() rejects empty data", () => {
  assert.throws(() => dataOverview({ points: [] }), /points is empty/);
});

Deno.test("dataOverview() labels both ends of the colour bar", () => {
  // Losses 2.08..3.45: ticks 2.2..3.4 leave the lowest value unlabelled without the ends.
  const svg = dataOverview({
    points: [2.08, 2.5, 3.0, 3.45].map((loss, i) => ({
      params: 10 ** (8 + i),
      flops: 10 ** (19 + i),
      loss,
    })),
  });
  const legend = svg.split('aria-label="legend"')[1]!;
  const labels = [...legend.matchAll(/<text[^>]*>([^<]+)</g)].map((m) => m[1]);
  assert.equal(labels[0], "Loss");
  // The bottom end is added; the top end is within a label's height of the 3.4 tick.
  assert.deepEqual(labels, ["Loss", "2.08", "2.2", "2.4", "2.6", "2.8", "3.0", "3.2", "3.4"]);
});
