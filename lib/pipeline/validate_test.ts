import assert from "node:assert/strict";
import {
  array,
  didYouMean,
  editDistance,
  enumOf,
  integer,
  literal,
  number,
  object,
  oneOf,
  optional,
  parseWith,
  record,
  safeParse,
  type Schema,
  SpecError,
  string,
  union,
} from "./validate.ts";

type Step =
  | { step: "fit"; law: string; loss: "huber" | "squared"; starts: number }
  | { step: "load"; mapping: { params: string; tokens?: string } };

const stepSchema: Schema<Step> = union<Step>("step", {
  fit: object<Extract<Step, { step: "fit" }>>({
    step: literal("fit"),
    law: string(),
    loss: optional(enumOf(["huber", "squared"] as const), "huber"),
    starts: optional(integer({ min: 1 }), 1),
  }),
  load: object<Extract<Step, { step: "load" }>>({
    step: literal("load"),
    mapping: object({ params: string(), tokens: optional(string()) }),
  }),
});
const specSchema = object<{ name: string; steps: Step[] }>({
  name: string(),
  steps: array(stepSchema, { minLength: 1 }),
});

function issuesOf(value: unknown): { path: string; message: string }[] {
  const r = safeParse(specSchema, value);
  assert.equal(r.ok, false);
  return r.ok ? [] : r.issues;
}

Deno.test("parseWith() applies defaults and drops absent optional keys when valid", () => {
  const v = parseWith(specSchema, {
    name: "x",
    steps: [{ step: "load", mapping: { params: "N" } }, { step: "fit", law: "chinchilla" }],
  });
  assert.deepEqual(v, {
    name: "x",
    steps: [
      { step: "load", mapping: { params: "N" } },
      { step: "fit", law: "chinchilla", loss: "huber", starts: 1 },
    ],
  });
});

Deno.test("parseWith() collects every problem with its JSON path when several are wrong", () => {
  const issues = issuesOf({
    nme: "x",
    steps: [
      { step: "load", mapping: { parms: "N" } },
      { step: "fti" },
      { step: "fit", law: "", loss: "hubr", starts: 0.5 },
    ],
  });
  assert.deepEqual(issues.map((i) => i.path), [
    "nme",
    "name",
    "steps[0].mapping.parms",
    "steps[0].mapping.params",
    "steps[1].step",
    "steps[2].law",
    "steps[2].loss",
    "steps[2].starts",
  ]);
  assert.match(issues[0].message, /did you mean "name"\?/);
  assert.match(issues[2].message, /did you mean "params"\?/);
  assert.match(
    issues[4].message,
    /is "fti"; expected one of "fit", "load" \(did you mean "fit"\?\)/,
  );
  assert.match(issues[6].message, /expected one of "huber", "squared" \(did you mean "huber"\?\)/);
  assert.match(issues[7].message, /is 0.5; expected an integer >= 1/);
});

Deno.test("SpecError lists each problem on its own line when thrown by parseWith()", () => {
  let caught: unknown;
  try {
    parseWith(specSchema, { name: 3, steps: [] }, "pipeline spec");
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof SpecError);
  {
    const e = caught;
    assert.ok(e instanceof TypeError);
    const lines = e.message.split("\n");
    assert.equal(lines[0], "Cannot parse pipeline spec: 2 problems");
    assert.equal(lines[1], "  name: is 3; expected a non-empty string");
    assert.equal(lines[2], "  steps: has 0 items; expected at least 1");
  }
});

Deno.test("number() rejects non-finite values and values outside bounds", () => {
  const s = number({ greaterThan: 0, lessThan: 1 });
  for (const bad of [NaN, Infinity, 0, 1, "0.5", null]) {
    assert.equal(safeParse(s, bad).ok, false, String(bad));
  }
  assert.deepEqual(safeParse(s, 0.5), { ok: true, value: 0.5 });
});

Deno.test("unknown keys far from every known key list the known keys", () => {
  const r = safeParse(object<{ law: string }>({ law: string() }), { law: "x", zzzzzz: 1 });
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.issues[0].message, 'is not a known key; expected one of "law"');
});

Deno.test("record() and oneOf() report nested paths when items are wrong", () => {
  const s = object<{ x: Record<string, string>; compute: number[] | { from: number } }>({
    x: record(string()),
    compute: oneOf<number[] | { from: number }>("a list or a range", [
      { when: Array.isArray, schema: array(number({ greaterThan: 0 })) },
      { when: (v) => typeof v === "object" && v !== null, schema: object({ from: number() }) },
    ]),
  });
  const r = safeParse(s, { x: { N: "params", "odd key": 3 }, compute: [1, -2] });
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.deepEqual(r.issues.map((i) => i.path), ['x["odd key"]', "compute[1]"]);
  }
});

Deno.test("optional() defaults are fresh copies when parsed twice", () => {
  const s = object<{ list: number[] }>({ list: optional(array(number()), [1]) });
  const a = parseWith(s, {});
  a.list.push(2);
  assert.deepEqual(parseWith(s, {}).list, [1]);
});

Deno.test("didYouMean() and editDistance() match known answers", () => {
  assert.equal(editDistance("kitten", "sitting"), 3);
  assert.equal(editDistance("", "abc"), 3);
  assert.equal(editDistance("fti", "fit"), 1);
  assert.equal(didYouMean("Metric", ["metric"]), "metric");
  assert.equal(didYouMean("boostrap", ["bootstrap", "options"]), "bootstrap");
  assert.equal(didYouMean("x", ["id", "law"]), undefined);
});

Deno.test("object() types require a schema for every key and a non-optional one for required keys", () => {
  // @ts-expect-error: "b" has no schema.
  object<{ a: number; b: string }>({ a: number() });
  // @ts-expect-error: a required key cannot take an optional schema without a default.
  object<{ a: number }>({ a: optional(number()) });
  const s = object<{ a: number; b?: string }>({ a: optional(number(), 1), b: optional(string()) });
  assert.deepEqual(parseWith(s, {}), { a: 1 });
});
