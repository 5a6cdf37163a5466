/**
 * Browser check of the written reports: run the quickstart pipeline into a temporary reports
 * folder, write the index, and open `index.html` and every report it links in headless
 * Chromium. For each page, every `<img>` must point at an existing, valid SVG or PNG file, and
 * must have loaded in the browser (`complete` with a non-zero natural width; checked by a small
 * script injected into a copy of the page that writes its findings into the DOM). A screenshot
 * of each page is saved in the temporary folder and, when `SCALING_SCREENSHOT_DIR` is set,
 * copied there (it must be writable: the test task allows writing under /tmp only).
 *
 * Needs Chromium (`chromium` on PATH, or `SCALING_CHROMIUM` naming the binary); without it the
 * test fails with instructions. `SCALING_SKIP_BROWSER=1` skips it visibly (`ignored`).
 * Permissions: `--allow-read --allow-write=/tmp --allow-env --allow-run=chromium`.
 *
 * @module
 */

import assert from "node:assert/strict";
import { basename, dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { runPipeline } from "../lib/pipeline/mod.ts";
import { collectReports, writeIndex } from "../lib/report/mod.ts";
import { spec as quickstart } from "./quickstart.ts";

const SKIP = Deno.env.get("SCALING_SKIP_BROWSER") === "1";
const CHROMIUM = Deno.env.get("SCALING_CHROMIUM") || "chromium";
const INSTALL = `install Chromium (\`sudo apt-get install chromium\`) or set SCALING_CHROMIUM to ` +
  `a Chromium or Chrome binary; set SCALING_SKIP_BROWSER=1 to skip the browser test`;

/** Marker of the injected script's output in the dumped DOM. */
const CHECK_ID = "scaling-image-check";

/** What the injected script reports for one image. */
interface ImageState {
  src: string;
  complete: boolean;
  width: number;
  height: number;
}

/**
 * A script appended to a copy of a page: after the load event, list every image's state as JSON
 * in a `<pre>` and a summary in the title.
 */
const CHECK_SCRIPT = `<script>
window.addEventListener("load", () => {
  const images = [...document.images].map((img) => ({
    src: img.getAttribute("src"),
    complete: img.complete,
    width: img.naturalWidth,
    height: img.naturalHeight,
  }));
  const pre = document.createElement("pre");
  pre.id = "${CHECK_ID}";
  pre.textContent = JSON.stringify(images);
  document.body.append(pre);
  const ok = images.filter((i) => i.complete && i.width > 0).length;
  document.title = "images loaded: " + ok + "/" + images.length;
});
</script>`;

async function chromium(args: string[]): Promise<string> {
  const profile = await Deno.makeTempDir({ prefix: "reports_browser_profile_" });
  try {
    let out;
    try {
      out = await new Deno.Command(CHROMIUM, {
        args: [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          `--user-data-dir=${profile}`,
          ...args,
        ],
        stdout: "piped",
        stderr: "piped",
      }).output();
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) {
        throw new Error(
          `Cannot open the reports in a browser: "${CHROMIUM}" was not found; ${INSTALL}`,
        );
      }
      throw e;
    }
    const stdout = new TextDecoder().decode(out.stdout);
    if (out.code !== 0) {
      const stderr = new TextDecoder().decode(out.stderr).trim().split("\n").slice(-10).join("\n");
      throw new Error(`Cannot run ${CHROMIUM} ${args.join(" ")}: exit code ${out.code}\n${stderr}`);
    }
    return stdout;
  } finally {
    await Deno.remove(profile, { recursive: true });
  }
}

/** The `src` of every `<img>` and the `href` of every `<a>` of an HTML text. */
function attributes(html: string, tag: "img" | "a", name: "src" | "href"): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(new RegExp(`<${tag}\\b[^>]*>`, "gi"))) {
    const a = m[0].match(new RegExp(`\\s${name}\\s*=\\s*"([^"]*)"`, "i"));
    if (a) out.push(a[1].replaceAll("&amp;", "&"));
  }
  return out;
}

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Throw unless the file is an SVG document or a PNG image. */
async function checkImageFile(path: string, page: string): Promise<void> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      assert.fail(`${page} shows an image whose file ${path} does not exist`);
    }
    throw e;
  }
  if (path.endsWith(".png")) {
    assert.deepEqual([...bytes.slice(0, 8)], PNG_MAGIC, `${path} is not a PNG file`);
    return;
  }
  assert.ok(path.endsWith(".svg"), `${page} shows ${path}; expected an .svg or .png file`);
  const text = new TextDecoder().decode(bytes);
  assert.match(text, /^\s*(<\?xml[^>]*>\s*)?<svg[\s>]/, `${path} does not start with <svg`);
  assert.match(text, /<\/svg>\s*$/, `${path} does not end with </svg>`);
  assert.match(text, /xmlns="http:\/\/www\.w3\.org\/2000\/svg"/, `${path} has no SVG namespace`);
}

/** Open a page in Chromium and check its images; returns how many images it has. */
async function checkPage(page: string): Promise<number> {
  const html = await Deno.readTextFile(page);
  const sources = attributes(html, "img", "src");
  for (const src of sources) await checkImageFile(join(dirname(page), decodeURI(src)), page);
  // A copy next to the page (so relative image paths resolve) with the checking script.
  const copy = join(dirname(page), `.check-${basename(page)}`);
  assert.ok(html.includes("</body>"), `${page} has no </body>`);
  await Deno.writeTextFile(copy, html.replace("</body>", `${CHECK_SCRIPT}\n</body>`));
  try {
    const dom = await chromium([
      "--virtual-time-budget=10000",
      "--dump-dom",
      pathToFileURL(copy).href,
    ]);
    const m = dom.match(new RegExp(`<pre id="${CHECK_ID}">([^<]*)</pre>`));
    assert.ok(m, `the check script did not run on ${page} (no #${CHECK_ID} in the DOM)`);
    const states = JSON.parse(
      m[1].replaceAll("&quot;", '"').replaceAll("&amp;", "&"),
    ) as ImageState[];
    assert.deepEqual(states.map((s) => s.src), sources, `images of ${page} in the browser`);
    const broken = states.filter((s) => !(s.complete && s.width > 0 && s.height > 0));
    assert.deepEqual(broken, [], `images of ${page} that did not load in Chromium`);
  } finally {
    await Deno.remove(copy);
  }
  return sources.length;
}

async function screenshot(page: string, png: string): Promise<void> {
  await chromium([
    `--screenshot=${png}`,
    "--window-size=1280,2000",
    "--hide-scrollbars",
    "--virtual-time-budget=10000",
    pathToFileURL(page).href,
  ]);
  const bytes = await Deno.readFile(png);
  assert.deepEqual([...bytes.slice(0, 8)], PNG_MAGIC, `${png} is not a PNG screenshot`);
  assert.ok(bytes.length > 10_000, `${png} is ${bytes.length} bytes; expected a rendered page`);
  const keep = Deno.env.get("SCALING_SCREENSHOT_DIR");
  if (keep) {
    await Deno.mkdir(keep, { recursive: true });
    await Deno.copyFile(png, join(keep, basename(png)));
  }
}

Deno.test({
  name: "reports index.html and linked report.html pages show every figure in headless Chromium",
  ignore: SKIP,
  fn: async () => {
    const tmp = await Deno.makeTempDir({ prefix: "reports_browser_test_" });
    try {
      const reports = join(tmp, "reports");
      await runPipeline(quickstart, { outDir: join(reports, quickstart.name), workers: 1 });
      const index = await writeIndex(reports, await collectReports(reports));
      const links = [
        ...new Set(
          attributes(await Deno.readTextFile(index), "a", "href")
            .filter((h) => !/^[a-z]+:/i.test(h) && h.endsWith("report.html")),
        ),
      ];
      assert.deepEqual(links, [`${quickstart.name}/report.html`]);
      const pages = [index, ...links.map((h) => join(reports, decodeURI(h)))];
      const counts: number[] = [];
      for (const page of pages) counts.push(await checkPage(page));
      // The quickstart report draws data, fit, residuals, bootstrap, allocation, predictions.
      assert.ok(counts[1] >= 6, `the quickstart report shows ${counts[1]} images; expected >= 6`);
      for (const page of pages) {
        const name = page === index ? "index" : basename(dirname(page));
        await screenshot(page, join(tmp, `${name}.png`));
      }
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
