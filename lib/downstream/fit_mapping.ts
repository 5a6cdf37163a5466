/**
 * Fit a downstream mapping (step 2 of a two-step prediction): one input column (task loss, or
 * compute for the direct law) to accuracy or error.
 *
 * @module
 */

import type { Law } from "../laws/types.ts";
import { fitSync } from "../fit/fit.ts";
import type { FitOptions, FitResult } from "../fit/types.ts";
import { sigmoid } from "./sigmoid.ts";

/** Options of {@link fitMapping}. */
export interface FitMappingOptions {
  /** The mapping law (one input). @default the `sigmoid` law */
  law?: Law;
  /**
   * The task's chance accuracy (fraction), from `chanceLevels`. Used by the `direct` law (fixes
   * `q_min`) and by the `"ladder"` start of the `sigmoid` law (a = chance − 1). Never
   * assumed: laws that need it throw without it.
   */
  chance?: number;
  /** Best reachable accuracy, the ladder's `task_max`. @default 1 */
  ceiling?: number;
  /**
   * Append the OLMo ladder's artificial anchor point (x = 0, y = ceiling) to the data
   * (methods.md 1.7). It changes the fit, so it is off by default; `true` uses (0, ceiling).
   * @default false
   */
  anchor?: boolean | { x: number; y: number };
  /**
   * Starting points: `"ladder"` is the ladder's single start for `sigmoid`
   * (a, x0, k, b) = (chance − 1, 0.9, 3, ceiling); otherwise any `FitOptions.starts`.
   * @default "default"
   */
  starts?: "ladder" | FitOptions["starts"];
  /**
   * Options passed to the fit (they override the defaults loss `"squared"`, space `"linear"`,
   * i.e. plain least squares on the values as the ladder, Gadre et al. and ObsScaling do).
   */
  fit?: Omit<FitOptions, "starts">;
}

/** Result of {@link fitMapping}. */
export interface FitMappingResult {
  law: Law;
  fit: FitResult;
  /** Fitted parameter values by name. */
  params: Record<string, number>;
  /** Data fitted, anchor point included (last) when used. */
  x: Float64Array;
  y: Float64Array;
  /** The anchor point, when one was appended. */
  anchor?: { x: number; y: number };
  /** The fit options used (with starts), so a refit can reuse them. */
  options: FitOptions;
}

/**
 * Fit a one-input downstream law y = f(x) by least squares.
 *
 * @param x Input values (task loss, or compute for `direct`).
 * @param y Accuracy or error (fractions), same length.
 * @param options Law, chance level, anchor point, starts and fit options.
 * @returns The fit, the fitted parameters and the data used.
 * @throws {RangeError} When lengths differ, the law has more than one input, the `direct` law
 *   or the `"ladder"` start is used without `chance`, or `"ladder"` is asked of another law.
 *
 * @example Recover a sigmoid, then the same with the ladder's anchor point
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitMapping } from "./fit_mapping.ts";
 * const x = Float64Array.from({ length: 9 }, (_, i) => 0.6 + 0.2 * i);
 * const y = x.map((v) => -0.5 / (1 + Math.exp(-4 * (v - 1.2))) + 0.8);
 * const r = fitMapping(x, y, { chance: 0.25, starts: "ladder" });
 * assert.ok(Math.abs(r.params.k - 4) < 1e-6 && Math.abs(r.params.b - 0.8) < 1e-6);
 * const anchored = fitMapping(x, y, { anchor: true });
 * assert.equal(anchored.x.length, 10);
 * assert.ok(Math.abs(anchored.params.b - 0.8) > 1e-3);
 * ```
 */
export function fitMapping(
  x: Float64Array,
  y: Float64Array,
  options: FitMappingOptions = {},
): FitMappingResult {
  const law = options.law ?? sigmoid;
  const name = JSON.stringify(law.name);
  if (law.inputs.length !== 1) {
    throw new RangeError(
      `Cannot fit mapping ${name}: it has ${law.inputs.length} inputs; expected a law of one input`,
    );
  }
  if (x.length !== y.length) {
    throw new RangeError(
      `Cannot fit mapping ${name}: x has ${x.length} values and y has ${y.length}; expected ` +
        `equal lengths`,
    );
  }
  const ceiling = options.ceiling ?? 1;
  const anchor = options.anchor === true
    ? { x: 0, y: ceiling }
    : options.anchor
    ? options.anchor
    : undefined;
  const xs = anchor ? Float64Array.of(...x, anchor.x) : Float64Array.from(x);
  const ys = anchor ? Float64Array.of(...y, anchor.y) : Float64Array.from(y);

  const params = { ...(options.fit?.params ?? {}) };
  const hasParam = (p: string) => law.params.some((s) => s.name === p);
  if (hasParam("q_min") && params.q_min === undefined) {
    if (options.chance === undefined) {
      throw new RangeError(
        `Cannot fit mapping ${name}: parameter q_min is the task's chance level and none was ` +
          `given; expected the chance option (see chanceLevels) or fit.params.q_min`,
      );
    }
    params.q_min = { fixed: options.chance };
  }
  let starts: FitOptions["starts"] = "default";
  if (options.starts === "ladder") {
    if (law.name !== "sigmoid" || options.chance === undefined) {
      throw new RangeError(
        `Cannot fit mapping ${name} from the "ladder" start: ${
          law.name !== "sigmoid" ? "it is defined for the sigmoid law" : "no chance level given"
        }; expected law sigmoid and the chance option`,
      );
    }
    starts = [{ a: options.chance - 1, x0: 0.9, k: 3, b: ceiling }];
  } else if (options.starts !== undefined) {
    starts = options.starts;
  }
  const fitOptions: FitOptions = {
    loss: "squared",
    space: "linear",
    ...options.fit,
    params,
    starts,
  };
  const fit = fitSync(law, { inputs: { [law.inputs[0].name]: xs }, y: ys }, fitOptions);
  const values: Record<string, number> = {};
  for (const s of law.params) values[s.name] = fit.params[s.name].value;
  return {
    law,
    fit,
    params: values,
    x: xs,
    y: ys,
    ...(anchor ? { anchor } : {}),
    options: fitOptions,
  };
}
