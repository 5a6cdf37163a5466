import assert from "node:assert/strict";
import { TOOLKIT_NAME, VERSION } from "./version.ts";

Deno.test("VERSION and TOOLKIT_NAME equal deno.json's version and name", async () => {
  const url = new URL("../deno.json", import.meta.url);
  const config = JSON.parse(await Deno.readTextFile(url));
  assert.equal(VERSION, config.version);
  assert.equal(TOOLKIT_NAME, config.name);
});
