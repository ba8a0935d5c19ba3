import { describe, expect, it } from "vitest";
import { decodeClientName, decodeMtts, decodeTerminalType, parseMttsString } from "../../../evennia-ts/portal/telnet/mtts.ts";

describe("MTTS", () => {
  it("decodes every bit of the specification", () => {
    expect(decodeMtts(1 + 4 + 8 + 64 + 256)).toMatchObject({
      ansi: true,
      vt100: false,
      "utf-8": true,
      xterm256: true,
      screenreader: true,
      truecolor: true,
      proxy: false,
    });
    const all = decodeMtts(4095);
    for (const key of ["ansi", "vt100", "utf-8", "xterm256", "mouse_tracking", "osc_color_palette", "screenreader", "proxy", "truecolor", "mnes", "mslp", "ssl"]) {
      expect(all[key], key).toBe(true);
    }
    expect(decodeMtts(2048)).toMatchObject({ ssl: true, mslp: false, ansi: false });
    expect(decodeMtts(1024)).toMatchObject({ mslp: true, mnes: false });
    expect(decodeMtts(512)).toMatchObject({ mnes: true });
    expect(decodeMtts(128)).toMatchObject({ proxy: true });
    expect(decodeMtts(32)).toMatchObject({ osc_color_palette: true });
    expect(decodeMtts(16)).toMatchObject({ mouse_tracking: true });
    expect(decodeMtts(2)).toMatchObject({ vt100: true });
  });

  it("parses MTTS strings only", () => {
    expect(parseMttsString("MTTS 137")).toBe(137);
    expect(parseMttsString("mtts 9")).toBe(9);
    expect(parseMttsString("XTERM")).toBeNull();
    expect(parseMttsString("MTTS x")).toBeNull();
  });

  it("reads client names and terminal types", () => {
    expect(decodeClientName("Mudlet 4.17.2")).toEqual({ client_name: "Mudlet", client_version: "4.17.2", ansi: true, xterm256: true });
    expect(decodeClientName("SomeClient")).toEqual({ client_name: "SomeClient" });
    expect(decodeTerminalType("XTERM-256COLOR")).toEqual({ ansi: true, xterm256: true });
    expect(decodeTerminalType("xterm-truecolor")).toEqual({ ansi: true, xterm256: true, truecolor: true });
    expect(decodeTerminalType("DUMB")).toEqual({ ansi: false });
  });
});
