import assert from "node:assert/strict";
import * as plot from "./mod.ts";
import { canRasterise } from "./_testing.ts";

const compute = [1e18, 1e20, 1e22];
const figures: Record<string, string> = {
  dataOverview: plot.dataOverview({ points: [{ params: 1e8, flops: 1e19, loss: 3 }] }),
  isoflopCurves: plot.isoflopCurves({
    points: [1e8, 2e8, 4e8].map((params, i) => ({ flops: 1e19, params, loss: [3, 2.9, 3.1][i]! })),
  }),
  lawFit: plot.lawFit({
    points: [{ x: 1e9, loss: 3, series: 1e8 }],
    curves: [{ series: 1e8, x: [1e9, 1e10], loss: [3, 2.8] }],
    targets: [{ series: 1e8, x: 1e10, loss: 2.82, label: "target" }],
  }),
  residuals: plot.residuals({ points: [{ x: 1e8, residual: 0.01 }] }),
  bootstrapHistograms: plot.bootstrapHistograms({
    parameters: [{ name: "α", draws: [0.3, 0.31, 0.32], estimate: 0.31 }],
  }),
  allocation: plot.allocation({
    series: [{ label: "Fit", compute, params: compute.map((c) => Math.sqrt(c / 120)) }],
  }),
  predictedVsActual: plot.predictedVsActual({ points: [{ actual: 2, predicted: 2.1 }] }),
  lossToAccuracy: plot.lossToAccuracy({ points: [{ loss: 3, accuracy: 0.3 }], chance: 0.25 }),
  heatmap: plot.heatmap({ cells: [{ x: "a", y: "b", value: 1 }] }),
};

Deno.test("every figure builder returns namespaced SVG with stable class names", () => {
  for (const [name, svg] of Object.entries(figures)) {
    assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'), name);
    assert.equal(svg.match(/plot-[0-9a-f]{6}\b/), null, name);
    assert.ok(!/<(figure|div|canvas|img)\b/.test(svg), `${name} has HTML`);
  }
});

Deno.test({
  name: "every figure builder's SVG rasterises to a PNG of twice its size",
  ignore: !canRasterise(),
  fn: async () => {
    for (const [name, svg] of Object.entries(figures)) {
      const png = await plot.svgToPng(svg);
      assert.deepEqual([...png.slice(1, 4)], [0x50, 0x4e, 0x47], name);
      const view = new DataView(png.buffer, png.byteOffset);
      const width = Number(svg.match(/width="(\d+)"/)![1]);
      const height = Number(svg.match(/height="(\d+)"/)![1]);
      assert.deepEqual([view.getUint32(16), view.getUint32(20)], [2 * width, 2 * height], name);
      assert.ok(png.length > 10_000, `${name}: ${png.length} bytes`);
    }
  },
});
