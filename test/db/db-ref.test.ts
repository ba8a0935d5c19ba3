import { describe, expect, it } from "vitest";
import { DB_REF, dbRefKey, isReferenceable, isValidDbRef, sameDbRef, type DbRef } from "../../evennia-ts/db/db-ref.ts";

class Thing {
  constructor(readonly id: number) {}
  [DB_REF](): DbRef {
    return { kind: "object", id: this.id };
  }
}

describe("db-ref", () => {
  it("uses a registered symbol so that every copy of the module agrees", () => {
    expect(DB_REF).toBe(Symbol.for("evennia.dbref"));
  });

  it("recognises Referenceable objects", () => {
    expect(isReferenceable(new Thing(3))).toBe(true);
    expect(isReferenceable({ [Symbol.for("evennia.dbref")]: () => ({ kind: "account", id: 1 }) })).toBe(true);
    expect(isReferenceable({ [DB_REF]: 5 })).toBe(false);
    expect(isReferenceable({})).toBe(false);
    expect(isReferenceable(null)).toBe(false);
    expect(isReferenceable("object#3")).toBe(false);
    expect(isReferenceable(() => 1)).toBe(false);
  });

  it("validates, keys and compares references", () => {
    expect(isValidDbRef({ kind: "object", id: 12 })).toBe(true);
    expect(isValidDbRef({ kind: "object", id: 1.5 })).toBe(false);
    expect(isValidDbRef({ kind: "", id: 1 })).toBe(false);
    expect(isValidDbRef({ kind: "object" })).toBe(false);
    expect(isValidDbRef(null)).toBe(false);
    expect(dbRefKey({ kind: "script", id: 7 })).toBe("script#7");
    expect(sameDbRef({ kind: "object", id: 1 }, { kind: "object", id: 1 })).toBe(true);
    expect(sameDbRef({ kind: "object", id: 1 }, { kind: "account", id: 1 })).toBe(false);
  });
});
