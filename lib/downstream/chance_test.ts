import assert from "node:assert/strict";
import { DataError } from "../util/errors.ts";
import { sharedDataDir } from "../util/_testdata.ts";
import { chanceLevel, chanceLevels, DEFAULT_CHANCE_LEVELS } from "./chance.ts";

Deno.test('chanceLevels() gives the documented defaults when the source is "default"', async () => {
  const t = await chanceLevels("default");
  assert.equal(t.levels.mmlu, 0.25);
  assert.equal(t.levels.hellaswag, 0.25);
  assert.equal(t.levels.arc_challenge, 0.25);
  assert.equal(t.levels.piqa, 0.5);
  assert.equal(t.levels.boolq, 0.5);
  assert.equal(t.levels.winogrande, 0.5);
  assert.equal(t.levels.socialiqa, 1 / 3);
  assert.equal(t.levels.csqa, 0.2);
  assert.deepEqual(t.levels, { ...DEFAULT_CHANCE_LEVELS });
  assert.ok(Object.values(t.origin).every((o) => o === "default"));
});

Deno.test("chanceLevels() reads Gadre et al.'s table in percent as fractions when asked for overtrain-gadre", async () => {
  const t = await chanceLevels("overtrain-gadre", { dataDir: sharedDataDir(), defaults: false });
  assert.equal(Object.keys(t.levels).length, 51);
  assert.equal(t.levels.hellaswag_zeroshot, 0.25);
  assert.equal(t.levels.jeopardy, 0);
  assert.equal(t.levels.copa, 0.5);
  assert.equal(t.levels.bigbench_novel_concepts, 0.25);
  // The dataset's own conventions differ from the defaults for these two; the dataset wins.
  const merged = await chanceLevels("overtrain-gadre", { dataDir: sharedDataDir() });
  assert.equal(merged.levels.siqa, 0.5);
  assert.equal(merged.levels.commonsense_qa, 0.25);
  assert.equal(merged.origin.siqa, "overtrain-gadre/eval_metadata.csv");
  assert.equal(merged.levels.csqa, 0.2);
  assert.equal(merged.origin.csqa, "default");
});

Deno.test("chanceLevels() throws when the dataset ships no chance table", async () => {
  await assert.rejects(
    () => chanceLevels("chinchilla-epoch", { dataDir: sharedDataDir() }),
    /Cannot read chance levels of dataset "chinchilla-epoch".*"overtrain-gadre"/,
  );
  await assert.rejects(() => chanceLevels("overtrain-gadree"), RangeError);
});

Deno.test("chanceLevels() names the file and line when a chance value is out of range", async () => {
  const dir = await Deno.makeTempDir({ dir: "/tmp" });
  try {
    await Deno.mkdir(`${dir}/overtrain-gadre`);
    await Deno.writeTextFile(
      `${dir}/overtrain-gadre/eval_metadata.csv`,
      "Eval Task,Random baseline\npiqa,50\nboolq,150\n",
    );
    const err = await chanceLevels("overtrain-gadre", { dataDir: dir, verify: false }).then(
      () => undefined,
      (e) => e,
    );
    assert.ok(err instanceof DataError);
    assert.equal(err.line, 3);
    assert.equal(err.column, "Random baseline");
    assert.match(err.message, /"150"; expected a number in \[0, 100\] \(percent\)/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("chanceLevel() finds tasks case-insensitively and suggests a close name otherwise", async () => {
  const t = await chanceLevels();
  assert.equal(chanceLevel(t, "CSQA"), 0.2);
  assert.throws(() => chanceLevel(t, "winogrand"), /did you mean "winogrande"\?/);
  assert.throws(() => chanceLevel(t, "gsm8k"), /Cannot find the chance level of task "gsm8k"/);
});
