/**
 * Private dense linear algebra for small symmetric systems (k ≤ ~20), row-major Float64Array.
 *
 * @module
 */

/**
 * Cholesky factorisation in place (lower triangle of `a`, k × k). Returns false when the matrix
 * is not (numerically) positive definite.
 */
export function cholesky(a: Float64Array, k: number): boolean {
  for (let j = 0; j < k; j++) {
    let s = a[j * k + j];
    for (let p = 0; p < j; p++) s -= a[j * k + p] * a[j * k + p];
    if (!(s > 0) || !Number.isFinite(s)) return false;
    const l = Math.sqrt(s);
    a[j * k + j] = l;
    for (let i = j + 1; i < k; i++) {
      let t = a[i * k + j];
      for (let p = 0; p < j; p++) t -= a[i * k + p] * a[j * k + p];
      a[i * k + j] = t / l;
    }
  }
  return true;
}

/** Solve L Lᵀ x = b in place in `b`, given the factor from {@link cholesky}. */
export function choleskySolve(l: Float64Array, k: number, b: Float64Array): void {
  for (let i = 0; i < k; i++) {
    let s = b[i];
    for (let p = 0; p < i; p++) s -= l[i * k + p] * b[p];
    b[i] = s / l[i * k + i];
  }
  for (let i = k - 1; i >= 0; i--) {
    let s = b[i];
    for (let p = i + 1; p < k; p++) s -= l[p * k + i] * b[p];
    b[i] = s / l[i * k + i];
  }
}

/**
 * Inverse of a symmetric positive-definite matrix, computed with scaling to unit diagonal
 * (which makes the result independent of the parameters' units). Returns undefined when the
 * matrix is singular or not positive definite.
 */
export function inverseSpd(a: Float64Array, k: number): Float64Array | undefined {
  const d = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    if (!(a[i * k + i] > 0)) return undefined;
    d[i] = 1 / Math.sqrt(a[i * k + i]);
  }
  const s = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) s[i * k + j] = a[i * k + j] * d[i] * d[j];
  if (!cholesky(s, k)) return undefined;
  const inv = new Float64Array(k * k);
  const col = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    col.fill(0);
    col[j] = 1;
    choleskySolve(s, k, col);
    for (let i = 0; i < k; i++) inv[i * k + j] = col[i] * d[i] * d[j];
  }
  return inv;
}

/** Eigenvalues of a symmetric matrix by cyclic Jacobi rotations (ascending). */
export function symmetricEigenvalues(a: Float64Array, k: number): Float64Array {
  const m = a.slice();
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) off += m[i * k + j] ** 2;
    if (off < 1e-30 * (1 + frobenius(m))) break;
    for (let p = 0; p < k; p++) {
      for (let q = p + 1; q < k; q++) {
        const apq = m[p * k + q];
        if (apq === 0) continue;
        const theta = (m[q * k + q] - m[p * k + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let r = 0; r < k; r++) {
          const mrp = m[r * k + p], mrq = m[r * k + q];
          m[r * k + p] = c * mrp - s * mrq;
          m[r * k + q] = s * mrp + c * mrq;
        }
        for (let r = 0; r < k; r++) {
          const mpr = m[p * k + r], mqr = m[q * k + r];
          m[p * k + r] = c * mpr - s * mqr;
          m[q * k + r] = s * mpr + c * mqr;
        }
      }
    }
  }
  const ev = new Float64Array(k);
  for (let i = 0; i < k; i++) ev[i] = m[i * k + i];
  return ev.sort();
}

function frobenius(m: Float64Array): number {
  let s = 0;
  for (let i = 0; i < m.length; i++) s += m[i] * m[i];
  return s;
}

/**
 * Minimise ½ cᵀGc − hᵀc subject to lo ≤ c ≤ hi (a bounded least-squares problem in normal-
 * equation form) by an active-set method. `G` is k × k, symmetric positive semi-definite; a tiny
 * ridge keeps degenerate directions solvable. Returns c.
 */
export function boxQp(
  g: Float64Array,
  h: Float64Array,
  lo: Float64Array,
  hi: Float64Array,
  k: number,
): Float64Array {
  // Scale to unit diagonal for conditioning.
  const d = new Float64Array(k);
  for (let i = 0; i < k; i++) d[i] = g[i * k + i] > 0 ? 1 / Math.sqrt(g[i * k + i]) : 1;
  const gs = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) gs[i * k + j] = g[i * k + j] * d[i] * d[j];
    gs[i * k + i] += 1e-12;
  }
  const hs = h.map((v, i) => v * d[i]);
  const los = lo.map((v, i) => v / d[i]);
  const his = hi.map((v, i) => v / d[i]);
  // state: 0 free, -1 at lower, +1 at upper. Start from the clipped unconstrained solution.
  const state = new Int8Array(k);
  const c = new Float64Array(k);
  for (let i = 0; i < k; i++) c[i] = Math.min(Math.max(0, los[i]), his[i]);
  const sub = new Float64Array(k * k);
  const rhs = new Float64Array(k);
  const idx = new Int32Array(k);
  for (let iter = 0; iter < 10 * k + 10; iter++) {
    // Solve for the free variables with the others at their bounds.
    let nf = 0;
    for (let i = 0; i < k; i++) if (state[i] === 0) idx[nf++] = i;
    const target = new Float64Array(k);
    for (let i = 0; i < k; i++) target[i] = state[i] < 0 ? los[i] : state[i] > 0 ? his[i] : 0;
    for (let a = 0; a < nf; a++) {
      const i = idx[a];
      let r = hs[i];
      for (let j = 0; j < k; j++) if (state[j] !== 0) r -= gs[i * k + j] * target[j];
      rhs[a] = r;
      for (let b = 0; b < nf; b++) sub[a * nf + b] = gs[i * k + idx[b]];
    }
    if (nf > 0 && cholesky(sub, nf)) choleskySolve(sub, nf, rhs);
    for (let a = 0; a < nf; a++) target[idx[a]] = rhs[a];
    // Move from c toward target, stopping at the first bound crossed.
    let step = 1, hit = -1;
    for (let a = 0; a < nf; a++) {
      const i = idx[a];
      const dir = target[i] - c[i];
      if (target[i] < los[i] && dir < 0) {
        const s = (los[i] - c[i]) / dir;
        if (s < step) (step = s), (hit = i);
      } else if (target[i] > his[i] && dir > 0) {
        const s = (his[i] - c[i]) / dir;
        if (s < step) (step = s), (hit = i);
      }
    }
    for (let i = 0; i < k; i++) {
      c[i] = state[i] === 0 ? c[i] + Math.max(0, step) * (target[i] - c[i]) : target[i];
      c[i] = Math.min(Math.max(c[i], los[i]), his[i]);
    }
    if (hit >= 0) {
      state[hit] = target[hit] < los[hit] ? -1 : 1;
      continue;
    }
    // KKT check for bound variables: release the most violating one.
    let worst = -1, worstV = 1e-14;
    for (let i = 0; i < k; i++) {
      if (state[i] === 0) continue;
      let grad = -hs[i];
      for (let j = 0; j < k; j++) grad += gs[i * k + j] * c[j];
      const v = state[i] < 0 ? -grad : grad; // > 0 means the objective decreases inward
      if (v > worstV) (worstV = v), (worst = i);
    }
    if (worst < 0) break;
    state[worst] = 0;
  }
  return c.map((v, i) => v * d[i]);
}
