import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Local } from "../mod.ts";

describe("Local", () => {
  it("Local reads undefined for an unset key", () => {
    const g = new Local();
    assert.equal(g.missing, undefined);
  });
});
