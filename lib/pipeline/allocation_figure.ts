/**
 * Figure options of the pipeline's `allocation` step (data only): published allocations drawn
 * as reference curves next to ours, and trained models marked at their compute, as in Epoch's
 * replication (their Figure 5: our fit with its band, Hoffmann et al.'s own parameters, the
 * D/N = 20 rule and Chinchilla 70B).
 *
 * @example An allocation step that compares with Hoffmann et al. and marks Chinchilla
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseAllocationStep } from "./spec.ts";
 * const step = parseAllocationStep({
 *   step: "allocation",
 *   fit: "approach3",
 *   references: [{
 *     label: "Hoffmann et al. 2022",
 *     params: { E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28 },
 *   }],
 *   models: [{ label: "Chinchilla 70B", compute: 5.88e23, params: 70e9, tokens: 1.4e12 }],
 * });
 * assert.equal(step.references?.[0].params.beta, 0.28);
 * assert.equal(step.models?.[0].label, "Chinchilla 70B");
 * assert.equal(step.ratio, 20);
 * ```
 *
 * @module
 */

import type { ChinchillaParams } from "../data/synthetic.ts";
import {
  array,
  number,
  object,
  optional,
  type OptionalSchema,
  type Schema,
  string,
} from "./validate.ts";

/** A published compute-optimal allocation, from the parameters of a Chinchilla-form law. */
export interface AllocationReference {
  /** Legend label, e.g. "Hoffmann et al. 2022 (Approach 3)". */
  label: string;
  /** Parameters of L = E + A/N^alpha + B/D^beta (A, B, alpha, beta > 0). */
  params: ChinchillaParams;
}

/** A trained model marked on the allocation figure, e.g. Chinchilla 70B at 5.88e23 FLOPs. */
export interface AllocationModel {
  /** Label next to the marker. */
  label: string;
  /** Training compute in FLOPs. */
  compute: number;
  /** Parameters N. */
  params: number;
  /** Training tokens D. @default compute / (6 · params) */
  tokens?: number;
}

const positive = () => number({ greaterThan: 0 });

/** Schema of one {@link AllocationReference}. */
export const allocationReferenceSchema: Schema<AllocationReference> = object<
  AllocationReference
>({
  label: string(),
  params: object<ChinchillaParams>({
    E: number(),
    A: positive(),
    B: positive(),
    alpha: positive(),
    beta: positive(),
  }),
});

/** Schema of one {@link AllocationModel}. */
export const allocationModelSchema: Schema<AllocationModel> = object<AllocationModel>({
  label: string(),
  compute: positive(),
  params: positive(),
  tokens: optional(positive()),
});

/** Schema of the `references` field of an allocation step. */
export const allocationReferencesSchema: OptionalSchema<AllocationReference[] | undefined> =
  optional(array(allocationReferenceSchema));
/** Schema of the `models` field of an allocation step. */
export const allocationModelsSchema: OptionalSchema<AllocationModel[] | undefined> = optional(
  array(allocationModelSchema),
);
/** Schema of the `ratio` field of an allocation step (a number, or null for none). */
export const allocationRatioSchema: OptionalSchema<number | null> = optional<number | null>(
  {
    expected: "a positive number or null",
    parse(value, path, issues) {
      if (value === null) return null;
      return positive().parse(value, path, issues);
    },
  },
  20,
);
