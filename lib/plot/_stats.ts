/**
 * Private: the little statistics figures need (a least-squares parabola, quantiles),
 * kept here so that lib/plot does not depend on lib/fit.
 *
 * @module
 */

/** Coefficients of y = c0 + c1 x + c2 x², or undefined when the fit is degenerate. */
export function fitParabola(
  x: readonly number[],
  y: readonly number[],
): [number, number, number] | undefined {
  const n = x.length;
  if (n < 3) return undefined;
  // Centre x for conditioning, solve the 3x3 normal equations by Cramer's rule.
  const mx = x.reduce((s, v) => s + v, 0) / n;
  let s1 = 0, s2 = 0, s3 = 0, s4 = 0, t0 = 0, t1 = 0, t2 = 0;
  for (let i = 0; i < n; i++) {
    const u = x[i]! - mx, v = y[i]!;
    s1 += u;
    s2 += u * u;
    s3 += u * u * u;
    s4 += u * u * u * u;
    t0 += v;
    t1 += u * v;
    t2 += u * u * v;
  }
  const det3 = (m: number[]) =>
    m[0]! * (m[4]! * m[8]! - m[5]! * m[7]!) - m[1]! * (m[3]! * m[8]! - m[5]! * m[6]!) +
    m[2]! * (m[3]! * m[7]! - m[4]! * m[6]!);
  const a = [n, s1, s2, s1, s2, s3, s2, s3, s4];
  const d = det3(a);
  if (!(Math.abs(d) > 1e-12 * Math.max(1, Math.abs(n * s2 * s4)))) return undefined;
  const b0 = det3([t0, s1, s2, t1, s2, s3, t2, s3, s4]) / d;
  const b1 = det3([n, t0, s2, s1, t1, s3, s2, t2, s4]) / d;
  const b2 = det3([n, s1, t0, s1, s2, t1, s2, s3, t2]) / d;
  // Undo the centring: y = b0 + b1 (x - m) + b2 (x - m)².
  return [b0 - b1 * mx + b2 * mx * mx, b1 - 2 * b2 * mx, b2];
}

/** Quantile with linear interpolation between order statistics (numpy's default). */
export { percentileSorted as quantile } from "../util/percentile.ts";
