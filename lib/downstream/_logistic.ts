/**
 * The logistic function, private to lib/downstream.
 *
 * @module
 */

/**
 * σ(z) = 1 / (1 + e^-z), computed without overflow for large |z|.
 *
 * @param z Any number.
 * @returns σ(z) in [0, 1].
 */
export function logistic(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}
