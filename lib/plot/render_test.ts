import assert from "node:assert/strict";
import * as Plot from "@observablehq/plot";
import { type DomDocument, type DomElement, normalizeSvg, renderSvg, svgToPng } from "./render.ts";
import { canRasterise } from "./_testing.ts";

const build = (document: DomDocument) =>
  Plot.plot({
    document,
    width: 300,
    height: 200,
    x: { type: "log" },
    marks: [
      Plot.line([[1, 0.1234567], [10, 2], [100, 3]], { clip: true }),
      Plot.text(["π ≈ 3.14159265"], { frameAnchor: "top" }),
    ],
  }) as unknown as DomElement;

Deno.test("renderSvg() returns byte-identical SVG when called twice", () => {
  // Plot numbers clip paths with a global counter: the second call gets plot-clip-2.
  const a = renderSvg(build, { name: "twice" });
  const b = renderSvg(build, { name: "twice" });
  assert.equal(a, b);
});

Deno.test("renderSvg() replaces Plot class names and ids with ones from the name", () => {
  const svg = renderSvg(build, { name: "lossCurve" });
  assert.equal(svg.match(/plot-[0-9a-f]{6}\b/), null);
  assert.ok(svg.includes('class="plot-loss-curve"'));
  assert.ok(svg.includes('<clipPath id="loss-curve-1">'));
  assert.ok(svg.includes('clip-path="url(#loss-curve-1)"'));
  assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
});

Deno.test("normalizeSvg() rounds long decimals in attributes but not in text", () => {
  const out = normalizeSvg(
    '<svg><path d="M0.1234567,-0.0001L2.5,3"/><text x="1.00049">3.14159265</text></svg>',
    { pretty: false },
  );
  assert.equal(
    out,
    '<svg xmlns="http://www.w3.org/2000/svg"><path d="M0.123,0L2.5,3"/>' +
      '<text x="1">3.14159265</text></svg>\n',
  );
});

Deno.test("normalizeSvg() puts elements on their own lines but keeps text intact", () => {
  const out = normalizeSvg("<svg><g><text>a<tspan>b</tspan></text></g></svg>");
  assert.equal(
    out,
    '<svg xmlns="http://www.w3.org/2000/svg">\n<g>\n<text>a<tspan>b</tspan></text>\n</g>\n</svg>\n',
  );
});

Deno.test("normalizeSvg() renumbers ids in order of first appearance", () => {
  const out = normalizeSvg(
    '<svg><linearGradient id="b"/><clipPath id="a"/><rect fill="url(#a)"/><use href="#b"/></svg>',
    { name: "n", pretty: false },
  );
  assert.ok(out.includes('id="n-1"') && out.includes('id="n-2"'));
  assert.ok(out.includes('fill="url(#n-2)"') && out.includes('href="#n-1"'));
});

Deno.test("renderSvg() throws TypeError when the build returns no <svg>", () => {
  assert.throws(
    () => renderSvg((document) => document.createElementNS("http://www.w3.org/1999/xhtml", "div")),
    { name: "TypeError", message: /^Cannot render figure: build returned <div>/ },
  );
});

Deno.test({
  name: "svgToPng() returns a PNG scaled by the given factor",
  ignore: !canRasterise(),
  fn: async () => {
    const png = await svgToPng(
      '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="80"><rect width="10" height="10"/></svg>',
      { scale: 2 },
    );
    assert.deepEqual([...png.slice(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const view = new DataView(png.buffer, png.byteOffset);
    assert.equal(view.getUint32(16), 240); // IHDR width
    assert.equal(view.getUint32(20), 160); // IHDR height
  },
});

Deno.test({
  name: "svgToPng() draws text (a font is available) on a white background",
  ignore: !canRasterise(),
  fn: async () => {
    const text = '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40">' +
      '<text x="5" y="30" font-family="DejaVu Sans" font-size="24">Loss 10²⁰</text></svg>';
    const blank = '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"></svg>';
    const [a, b] = await Promise.all([svgToPng(text, { scale: 1 }), svgToPng(blank, { scale: 1 })]);
    // Compressed size grows with drawn glyphs; a blank white image compresses to almost nothing.
    assert.ok(a.length > b.length + 300, `text PNG ${a.length} B vs blank ${b.length} B`);
  },
});

Deno.test("svgToPng() rejects a scale that is not positive", async () => {
  await assert.rejects(() => svgToPng("<svg/>", { scale: 0 }), {
    name: "RangeError",
    message: "Cannot rasterise SVG: scale is 0; expected a positive number",
  });
});
