/**
 * Private test helpers: query normalised SVG text without a DOM.
 *
 * @module
 */

/** One Plot mark group: its attributes and the tag names of its drawn elements. */
export interface MarkGroup {
  attributes: string;
  shapes: string[];
}

/**
 * The groups Plot made for marks of one kind (`aria-label="dot"`, `"line"`, ...), each with
 * the shapes inside it up to its first closing `</g>`.
 */
export function markGroups(svg: string, label: string): MarkGroup[] {
  const out: MarkGroup[] = [];
  const re = new RegExp(`<g\\b([^>]*\\baria-label="${label}"[^>]*)>([\\s\\S]*?)</g>`, "g");
  for (const m of svg.matchAll(re)) {
    const body = m[2]!;
    const inner = body.match(/^\s*<g\b([^>]*)>/);
    const shapes = [...body.matchAll(/<(circle|path|rect|line|text)\b/g)].map((s) => s[1]!);
    out.push({ attributes: m[1]! + (inner ? " " + inner[1]! : ""), shapes });
  }
  return out;
}

/** Number of occurrences of `needle` in `text`. */
export function count(text: string, needle: string | RegExp): number {
  if (typeof needle === "string") return text.split(needle).length - 1;
  return [...text.matchAll(new RegExp(needle.source, "g"))].length;
}

/** Whether resvg can be loaded in this test run (needs --allow-ffi and --allow-sys). */
export function canRasterise(): boolean {
  const ffi = Deno.permissions.querySync({ name: "ffi" }).state === "granted";
  const sys = ["cpus", "networkInterfaces", "hostname"].every((kind) =>
    Deno.permissions.querySync({ name: "sys", kind: kind as "cpus" }).state === "granted"
  );
  return ffi && sys;
}
