import { describe, expect, it } from "vitest";
import { decodeMsdp, encodeMsdp, parseMsdp } from "../../../evennia-ts/portal/telnet/msdp-codec.ts";

const V = 1, L = 2, TO = 3, TC = 4, AO = 5, AC = 6;
const b = (...parts: Array<number | string>) =>
  Buffer.concat(parts.map((p) => (typeof p === "number" ? Buffer.from([p]) : Buffer.from(p))));

describe("MSDP codec", () => {
  it("parses strings, tables, arrays and repeated VALs", () => {
    const payload = b(V, "HEALTH", L, "10", V, "ROOM", L, TO, V, "VNUM", L, "6008", V, "EXITS", L, AO, L, "n", L, "e", AC, TC, V, "REPORT", L, "HEALTH", L, "MANA");
    expect(parseMsdp(payload)).toEqual([
      ["HEALTH", "10"],
      ["ROOM", { VNUM: "6008", EXITS: ["n", "e"] }],
      ["REPORT", ["HEALTH", "MANA"]],
    ]);
  });

  it("turns client commands into msdp_* cmdnames with the values as args", () => {
    expect(decodeMsdp(b(V, "LIST", L, "COMMANDS"))).toEqual([["msdp_list", ["COMMANDS"], {}]]);
    expect(decodeMsdp(b(V, "REPORT", L, AO, L, "HEALTH", L, "MANA", AC))).toEqual([["msdp_report", ["HEALTH", "MANA"], {}]]);
    expect(decodeMsdp(b(V, "UNREPORT", L, "HEALTH"))).toEqual([["msdp_unreport", ["HEALTH"], {}]]);
    expect(decodeMsdp(b(V, "SEND", L, "ROOM"))).toEqual([["msdp_send", ["ROOM"], {}]]);
    expect(decodeMsdp(b(V, "RESET", L, "REPORTABLE_VARIABLES"))).toEqual([["msdp_reset", ["REPORTABLE_VARIABLES"], {}]]);
  });

  it("drops a table key named __proto__ (it would set the table's prototype)", () => {
    const [[, value]] = parseMsdp(b(V, "CHAR", L, TO, V, "__proto__", L, TO, V, "admin", L, "1", TC, V, "hp", L, "10", TC)) as [[string, Record<string, unknown>]];
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(value).toEqual({ hp: "10" });
    expect(value.admin).toBeUndefined();
  });

  it("turns other variables into lower-case cmdnames", () => {
    expect(decodeMsdp(b(V, "CLIENT_ID", L, "mudlet", V, "CHAR_VITALS", L, TO, V, "hp", L, "10", TC))).toEqual([
      ["client_id", ["mudlet"], {}],
      ["char_vitals", [], { hp: "10" }],
    ]);
  });

  it("encodes a triple as one upper-case variable that decodes back", () => {
    const bytes = encodeMsdp(["char_vitals", [], { hp: 10, max: 20 }]);
    expect([...bytes]).toEqual([...b(V, "CHAR_VITALS", L, TO, V, "hp", L, "10", V, "max", L, "20", TC)]);
    expect(decodeMsdp(bytes)).toEqual([["char_vitals", [], { hp: "10", max: "20" }]]);
  });

  it("encodes args as a value or an array, and both as a table with args", () => {
    expect([...encodeMsdp(["room", ["6008"], {}])]).toEqual([...b(V, "ROOM", L, "6008")]);
    expect([...encodeMsdp(["exits", ["n", "e"], {}])]).toEqual([...b(V, "EXITS", L, AO, L, "n", L, "e", AC)]);
    expect(parseMsdp(encodeMsdp(["x", [1], { a: true }]))).toEqual([["X", { a: "1", args: ["1"] }]]);
    expect([...encodeMsdp(["ping", [], {}])]).toEqual([...b(V, "PING", L)]);
  });

  it("sends raw variables for the msdp cmdname", () => {
    expect([...encodeMsdp(["msdp", [], { HEALTH: 10, AFFECTS: ["blind"] }])]).toEqual([
      ...b(V, "HEALTH", L, "10", V, "AFFECTS", L, AO, L, "blind", AC),
    ]);
  });

  it("strips token bytes from strings and survives malformed input", () => {
    expect(parseMsdp(encodeMsdp(["msdp", [], { A: "x\u0001y" }]))).toEqual([["A", "xy"]]);
    expect(parseMsdp(b(L, "junk", V, "A", L, TO, V, "B"))).toEqual([["A", { B: "" }]]);
    const deep = b(V, "D", L, ...Array(100).fill(AO), ...Array(100).fill(AC), V, "E", L, "1");
    expect(parseMsdp(deep).at(-1)).toEqual(["E", "1"]);
  });
});
