import { describe, expect, it } from "vitest";
import { decodeGmcp, encodeGmcp } from "../../../evennia-ts/portal/telnet/gmcp-codec.ts";

describe("GMCP codec", () => {
  it("decodes objects to kwargs, arrays to args, scalars to one arg", () => {
    expect(decodeGmcp('Core.Hello {"client":"Mudlet","version":"4.17"}')).toEqual([
      "core_hello",
      [],
      { client: "Mudlet", version: "4.17" },
    ]);
    expect(decodeGmcp('Core.Supports.Set ["Char 1", "Room 1"]')).toEqual(["core_supports_set", ["Char 1", "Room 1"], {}]);
    expect(decodeGmcp("Core.Ping 42")).toEqual(["core_ping", [42], {}]);
    expect(decodeGmcp("Core.Ping")).toEqual(["core_ping", [], {}]);
    expect(decodeGmcp("Char.Say hello there")).toEqual(["char_say", ["hello there"], {}]);
    expect(decodeGmcp("   ")).toBeNull();
  });

  it("encodes as Evennia does", () => {
    expect(encodeGmcp(["char_vitals", [], { hp: 10 }])).toBe('Char.Vitals {"hp":10}');
    expect(encodeGmcp(["char_name", ["Bob"], {}])).toBe('Char.Name "Bob"');
    expect(encodeGmcp(["room_exits", ["n", "e"], {}])).toBe('Room.Exits ["n","e"]');
    expect(encodeGmcp(["char_x", ["a"], { b: 1 }])).toBe('Char.X ["a",{"b":1}]');
    expect(encodeGmcp(["ping", [], {}])).toBe("Core.Ping");
  });
});
