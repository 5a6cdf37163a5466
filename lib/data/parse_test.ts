import assert from "node:assert/strict";
import { DataError } from "../util/errors.ts";
import { rng } from "../util/rng.ts";
import { parseCsv, parseJson, parseJsonl, parseTable, recordsToRawTable } from "./parse.ts";

/** Assert that `fn` throws a DataError whose message matches every pattern. */
function throwsData(fn: () => unknown, ...patterns: RegExp[]): DataError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof DataError, `expected a DataError, got ${caught}`);
  for (const p of patterns) assert.match(caught.message, p);
  return caught;
}

Deno.test("parseCsv() handles RFC 4180 quoting and records the line where each row starts", () => {
  const text = 'a,b,c\n1,"x, y",3\n"say ""hi""",,"multi\nline\r\ncell"\n4,5,6';
  const t = parseCsv(text);
  assert.deepEqual(t.columns, ["a", "b", "c"]);
  assert.deepEqual(t.rows, [
    ["1", "x, y", "3"],
    ['say "hi"', "", "multi\nline\r\ncell"],
    ["4", "5", "6"],
  ]);
  assert.deepEqual([...t.lines], [2, 3, 6]);
});

Deno.test("parseCsv() gives the same table for CRLF, LF, a BOM and no trailing newline", () => {
  const lf = parseCsv("run,loss\na,1\nb,2\n");
  const crlf = parseCsv("\uFEFFrun,loss\r\na,1\r\nb,2");
  assert.deepEqual(crlf.columns, lf.columns);
  assert.deepEqual(crlf.rows, lf.rows);
  assert.deepEqual([...crlf.lines], [...lf.lines]);
});

Deno.test("parseCsv() skips blank lines but keeps counting them", () => {
  const t = parseCsv("a,b\n\n1,2\r\n\r\n3,4\n\n");
  assert.deepEqual(t.rows, [["1", "2"], ["3", "4"]]);
  assert.deepEqual([...t.lines], [3, 5]);
});

Deno.test("parseCsv() keeps empty fields, including a trailing one", () => {
  const t = parseCsv("a,b,c\n,,\n1,,\n");
  assert.deepEqual(t.rows, [["", "", ""], ["1", "", ""]]);
});

Deno.test("parseCsv() reads tab-separated text with the tab delimiter", () => {
  const t = parseCsv('run\tnote\na\t"x\ty"\n', { delimiter: "\t" });
  assert.deepEqual(t.rows, [["a", "x\ty"]]);
  assert.deepEqual(parseTable("run\tnote\na\tb\n", "tsv").rows, [["a", "b"]]);
});

Deno.test("parseCsv() rejects a ragged row naming its line and the column", async (t) => {
  await t.step("too few fields", () => {
    const err = throwsData(
      () => parseCsv("run,step,loss\na,1,3.2\nb,2\n"),
      /line 3, column "loss" \(3\) is missing/,
      /expected 3 fields as in the header/,
    );
    assert.equal(err.line, 3);
    assert.equal(err.column, "loss");
    assert.equal(err.columnIndex, 3);
  });
  await t.step("too many fields", () => {
    throwsData(
      () => parseCsv('run,loss\na,3\n"b\nc",2,9\n'),
      /line 3, column 3 is "9" beyond the last header column/,
    );
  });
});

Deno.test("parseCsv() rejects an empty text and a header without rows", () => {
  const empty = throwsData(() => parseCsv(""), /line 1 is empty/);
  assert.equal(empty.line, 1);
  throwsData(() => parseCsv("\uFEFF\n\n"), /is empty/);
  const headerOnly = throwsData(() => parseCsv("run,loss\n"), /has a header but no data rows/);
  assert.equal(headerOnly.line, 2);
});

Deno.test("parseCsv() rejects an unterminated quote at the line where it opens", () => {
  const err = throwsData(
    () => parseCsv('a,b\n1,2\n3,"open\n4,5\n'),
    /line 3, column "b" \(2\) has a quoted field that is never closed/,
  );
  assert.equal(err.line, 3);
});

Deno.test("parseCsv() rejects text after a closing quote", () => {
  throwsData(
    () => parseCsv('a,b\n1,"x"y\n'),
    /line 2, column "b" \(2\) is "y" has text after the closing quote/,
  );
});

Deno.test("parseCsv() rejects duplicate column names", () => {
  throwsData(() => parseCsv("run,loss,loss\na,1,2\n"), /line 1, column "loss" \(3\) repeats/);
});

Deno.test("parseCsv() reads back randomly generated quoted tables exactly", () => {
  const r = rng(7);
  const alphabet = ["a", "b", ",", '"', "\n", "\r\n", " ", "é", "1", "."];
  for (let trial = 0; trial < 50; trial++) {
    const width = 1 + r.int(4);
    const height = 1 + r.int(6);
    const cell = () => {
      let s = "";
      const len = r.int(6);
      for (let k = 0; k < len; k++) s += alphabet[r.int(alphabet.length)];
      return s;
    };
    const columns = Array.from({ length: width }, (_, c) => `c${c}`);
    // Rows that are a single empty field would be a blank line, which CSV cannot represent.
    const rows = Array.from({ length: height }, () => Array.from({ length: width }, cell))
      .map((row) => (width === 1 && row[0] === "" ? ["x"] : row));
    const esc = (s: string) => /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
    const text = [columns, ...rows].map((row) => row.map(esc).join(",")).join("\r\n");
    const t = parseCsv(text);
    assert.deepEqual(t.columns, columns);
    assert.deepEqual(t.rows, rows);
    // Each row starts one line after the previous row's last line.
    let line = 2;
    rows.forEach((row, i) => {
      assert.equal(t.lines[i], line);
      line += 1 + row.reduce((n, s) => n + (s.match(/\r\n|\n/g)?.length ?? 0), 0);
    });
  }
});

Deno.test("parseCsv() parses 97,098 rows × 8 columns in well under a second", () => {
  const lines = ["source,model,step,tokens,flops,epochs,metric,value"];
  for (let i = 0; i < 97098; i++) {
    lines.push(
      `olmo,OLMo-${i % 3}B,${i},${(i * 4e6).toExponential(6)},,1,eval/c4_val/CrossEntropyLoss,${
        (2 + 1 / (i + 1)).toFixed(7)
      }`,
    );
  }
  const text = lines.join("\n") + "\n";
  const t0 = performance.now();
  const t = parseCsv(text);
  const ms = performance.now() - t0;
  assert.equal(t.rows.length, 97098);
  assert.equal(t.rows[97097][2], "97097");
  assert.equal(t.lines[97097], 97099);
  assert.ok(ms < 1000, `parseCsv took ${ms.toFixed(0)} ms`);
});

Deno.test("parseJson() reads an array of flat records with union columns and record lines", () => {
  const text = `[
  {"run": "a", "params": 1e8, "loss": 3.25},
  {
    "run": "b", "seed": null, "ok": true, "tokens": 2000000000
  },
  {"run": "c,\\"d\\"", "loss": -0.5}
]`;
  const t = parseJson(text);
  assert.deepEqual(t.columns, ["run", "params", "loss", "seed", "ok", "tokens"]);
  assert.deepEqual(t.rows, [
    ["a", "100000000", "3.25", "", "", ""],
    ["b", "", "", "", "true", "2000000000"],
    ['c,"d"', "", "-0.5", "", "", ""],
  ]);
  assert.deepEqual([...t.lines], [2, 3, 6]);
});

Deno.test('parseJson() reads records under a top-level "rows" key', () => {
  const text = '{\n "meta": {"rows": [{"x": 1}]},\n "rows": [\n  {"a": 1},\n  {"a": 2}\n ]\n}';
  const t = parseJson(text);
  assert.deepEqual(t.rows, [["1"], ["2"]]);
  assert.deepEqual([...t.lines], [4, 5]);
});

Deno.test("parseJson() rejects nested values naming the record's line and the key", () => {
  const err = throwsData(
    () => parseJson('[\n{"a": 1},\n{"a": 2, "b": {"c": 1}}\n]'),
    /line 3, column "b" \(2\) is "\{\\"c\\":1\}"/,
    /records must be flat/,
  );
  assert.equal(err.line, 3);
});

Deno.test("parseJson() reports the line of a syntax error and rejects non-tables", () => {
  const err = throwsData(() => parseJson('[\n{"a": 1},\n{"a": 2,}\n]'), /is not valid JSON/);
  assert.equal(err.line, 3);
  throwsData(() => parseJson('{"a": 1}'), /is not an array of records/);
  throwsData(() => parseJson("[]"), /has no records/);
  throwsData(() => parseJson('[\n{"a": 1},\n[1, 2]\n]'), /line 3 has a record that is an array/);
  throwsData(() => parseJson("  "), /is empty/);
});

Deno.test("parseJsonl() reads one record per non-empty line", () => {
  const t = parseJsonl('{"run":"a","loss":3}\r\n\n{"run":"b","step":5}\n');
  assert.deepEqual(t.columns, ["run", "loss", "step"]);
  assert.deepEqual(t.rows, [["a", "3", ""], ["b", "", "5"]]);
  assert.deepEqual([...t.lines], [1, 3]);
});

Deno.test("parseJsonl() names the line of invalid JSON", () => {
  const err = throwsData(
    () => parseJsonl('{"a":1}\n{"a":2}\n{"a":}\n'),
    /line 3 is not valid JSON/,
  );
  assert.equal(err.line, 3);
  throwsData(() => parseJsonl("\n\n"), /is empty/);
});

Deno.test("parseTable() dispatches on the format", () => {
  assert.deepEqual(parseTable("a\n1\n", "csv").rows, [["1"]]);
  assert.deepEqual(parseTable('[{"a":1}]', "json").rows, [["1"]]);
  assert.deepEqual(parseTable('{"a":1}', "jsonl").rows, [["1"]]);
  assert.throws(() => parseTable("a", "xls" as "csv"), TypeError);
});

Deno.test("recordsToRawTable() writes numbers in round-trip form", () => {
  const values = [0.1 + 0.2, 1 / 3, 5e-324, 1.7976931348623157e308, 123456789012345680000];
  const t = recordsToRawTable(values.map((v) => ({ v })));
  assert.deepEqual(t.rows.map((row) => Number(row[0])), values);
});
