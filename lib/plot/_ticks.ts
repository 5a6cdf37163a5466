/**
 * Private helpers for axes: domains, tick positions and tick labels that read well in a
 * paper (powers of ten as 10ⁿ, parameter counts as 70M / 1.4B, Unicode minus signs).
 *
 * @module
 */

const SUPERSCRIPT: Record<string, string> = {
  "0": "⁰",
  "1": "¹",
  "2": "²",
  "3": "³",
  "4": "⁴",
  "5": "⁵",
  "6": "⁶",
  "7": "⁷",
  "8": "⁸",
  "9": "⁹",
  "-": "⁻",
};

/** Axis scale kind. */
export type AxisType = "linear" | "log";

/** Ticks of one axis: labelled major ticks and unlabelled minor ticks. */
export interface AxisTicks {
  domain: [number, number];
  ticks: number[];
  minor: number[];
  format: (value: number) => string;
}

/** "10²⁰" for an integer exponent. */
export function pow10Label(exponent: number): string {
  return "10" + String(exponent).split("").map((c) => SUPERSCRIPT[c] ?? c).join("");
}

/** Replace the ASCII hyphen of negative numbers by a typographic minus. */
function minus(text: string): string {
  return text.startsWith("-") ? "−" + text.slice(1) : text;
}

/** Drop trailing zeros of a fixed-point string: "1.50" → "1.5", "2.00" → "2". */
function trimZeros(text: string): string {
  return text.includes(".") ? text.replace(/\.?0+$/, "") : text;
}

/**
 * Scientific label with a short mantissa: 5.88e23 → "5.88×10²³", 1e20 → "10²⁰".
 */
export function formatSci(value: number, digits = 3): string {
  if (value === 0) return "0";
  if (!Number.isFinite(value)) return String(value);
  const sign = value < 0 ? "−" : "";
  const abs = Math.abs(value);
  let exponent = Math.floor(Math.log10(abs));
  let mantissa = Number((abs / 10 ** exponent).toPrecision(digits));
  if (mantissa >= 10) {
    mantissa /= 10;
    exponent += 1;
  }
  const m = trimZeros(mantissa.toFixed(Math.max(0, digits - 1)));
  return sign + (m === "1" ? "" : m + "×") + pow10Label(exponent);
}

/**
 * A count with an SI-style suffix as used for model sizes: 7e7 → "70M", 1.4e9 → "1.4B".
 */
export function formatCount(value: number, digits = 3): string {
  const abs = Math.abs(value);
  const units: [number, string][] = [[1e12, "T"], [1e9, "B"], [1e6, "M"], [1e3, "K"]];
  for (const [size, suffix] of units) {
    if (abs >= size * 0.9995) {
      return minus(trimZeros((value / size).toPrecision(digits))) + suffix;
    }
  }
  return minus(trimZeros(value.toPrecision(digits)));
}

/** A plain number with at most `digits` significant digits, or scientific when large/small. */
export function formatNumber(value: number, digits = 3): string {
  if (value === 0) return "0";
  const abs = Math.abs(value);
  if (abs >= 1e5 || abs < 1e-3) return formatSci(value, digits);
  // Through Number: toPrecision writes 1000 as "1.00e+3" when digits < 4.
  const text = value.toPrecision(digits);
  return minus(text.includes("e") ? String(Number(text)) : trimZeros(text));
}

/** d3-style tick step: 1, 2 or 5 times a power of ten giving about `count` ticks. */
function tickStep(min: number, max: number, count: number): number {
  const raw = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const error = raw / power;
  const factor = error >= 7.07 ? 10 : error >= 3.16 ? 5 : error >= 1.41 ? 2 : 1;
  return factor * power;
}

/** Decimals needed to print multiples of `step` exactly. */
function decimalsOf(step: number): number {
  return Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
}

/**
 * Extent of the finite values (and of positive ones on a log axis), padded by `pad` of the
 * span on each side (in log space for a log axis).
 */
export function extent(
  values: Iterable<number>,
  type: AxisType,
  pad = 0.04,
): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v) || (type === "log" && v <= 0)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) return type === "log" ? [1, 10] : [0, 1];
  if (type === "log") {
    let a = Math.log10(lo), b = Math.log10(hi);
    if (b - a < 1e-6) {
      a -= 0.5;
      b += 0.5;
    }
    const span = b - a;
    return [10 ** (a - pad * span), 10 ** (b + pad * span)];
  }
  if (hi - lo <= 1e-9 * Math.max(Math.abs(lo), Math.abs(hi))) {
    const d = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    return [lo - d, hi + d];
  }
  const span = hi - lo;
  return [lo - pad * span, hi + pad * span];
}

/** Linear ticks inside the domain, labelled with the decimals the step needs. */
export function linearTicks(domain: [number, number], count = 6): AxisTicks {
  const [lo, hi] = domain;
  const step = tickStep(lo, hi, count);
  const ticks: number[] = [];
  const start = Math.ceil(lo / step - 1e-9), stop = Math.floor(hi / step + 1e-9);
  if (!(step > 0) || !(stop - start < 1000)) {
    return { domain, ticks: [lo, hi], minor: [], format: formatNumber };
  }
  for (let k = start; k <= stop; k++) ticks.push(k * step);
  const decimals = decimalsOf(step);
  const big = Math.max(Math.abs(lo), Math.abs(hi)) >= 1e5;
  const format = (v: number) =>
    big ? formatSci(v) : minus((Math.abs(v) < step / 1e6 ? 0 : v).toFixed(decimals));
  return { domain, ticks, minor: [], format };
}

/**
 * Log ticks: powers of ten labelled 10ⁿ when the domain spans at least one full decade
 * (every second or third power when there are many), 2..9 multiples as minor ticks; with
 * only two or three powers in the domain, 1-2-5 multiples when at most `maxTicks` of them; for
 * narrow domains, 1-2-5 multiples labelled as plain or scientific numbers, or evenly spaced
 * ticks when those would give fewer than three labels.
 */
export function logTicks(domain: [number, number], maxTicks = 8): AxisTicks {
  const [lo, hi] = domain;
  const first = Math.ceil(Math.log10(lo) - 1e-9), last = Math.floor(Math.log10(hi) + 1e-9);
  const decades = last - first + 1;
  if (decades >= 2 && decades <= 3) {
    // Two or three powers of ten alone label an axis too sparsely: add the 2 and 5 multiples
    // when they fit, labelled as plain numbers (or 2×10⁸ when large or small).
    const ticks: number[] = [];
    for (let e = first - 1; e <= last; e++) {
      for (const m of [1, 2, 5]) {
        const v = Number((m * 10 ** e).toPrecision(6));
        if (v >= lo && v <= hi) ticks.push(v);
      }
    }
    if (ticks.length <= maxTicks) {
      const plain = lo >= 1e-3 && hi < 1e5;
      const minor: number[] = [];
      for (let e = first - 1; e <= last; e++) {
        for (const m of [3, 4, 6, 7, 8, 9]) {
          const v = m * 10 ** e;
          if (v >= lo && v <= hi) minor.push(v);
        }
      }
      return {
        domain,
        ticks,
        minor,
        format: (v) => (plain ? formatNumber(v, 3) : formatSci(v, 2)),
      };
    }
  }
  if (decades >= 2) {
    const every = Math.ceil(decades / maxTicks);
    const ticks: number[] = [];
    for (let e = first; e <= last; e++) if ((e - first) % every === 0) ticks.push(10 ** e);
    const minor: number[] = [];
    if (every === 1 && decades <= 12) {
      for (let e = first - 1; e <= last; e++) {
        for (let m = 2; m <= 9; m++) {
          const v = m * 10 ** e;
          if (v >= lo && v <= hi) minor.push(v);
        }
      }
    } else if (every > 1) {
      for (let e = first; e <= last; e++) if ((e - first) % every !== 0) minor.push(10 ** e);
    }
    return { domain, ticks, minor, format: (v) => pow10Label(Math.round(Math.log10(v))) };
  }
  // Narrow domain: 1-2-5 (or denser) multiples of powers of ten.
  const ticks: number[] = [];
  for (const mults of [[1, 2, 5], [1, 2, 3, 5, 7], [1, 1.5, 2, 3, 4, 5, 6, 7, 8, 9]]) {
    ticks.length = 0;
    for (let e = first - 1; e <= last + 1; e++) {
      for (const m of mults) {
        const v = Number((m * 10 ** e).toPrecision(6));
        if (v >= lo && v <= hi) ticks.push(v);
      }
    }
    if (ticks.length >= 3) break;
  }
  // Less than about half a decade: evenly spaced ticks read better than two lonely labels.
  if (ticks.length < 3) return { ...linearTicks(domain, Math.min(maxTicks, 6)) };
  const big = hi >= 1e5 || lo < 1e-3;
  return {
    domain,
    ticks,
    minor: [],
    format: (v) => big ? formatSci(v, 2) : formatNumber(v, 3),
  };
}

/** Expand a linear domain outward to whole tick steps (like d3's nice). */
export function niceLinear(domain: [number, number], count = 6): [number, number] {
  const step = tickStep(domain[0], domain[1], count);
  return [Math.floor(domain[0] / step) * step, Math.ceil(domain[1] / step) * step];
}
