import { describe, expect, it } from "vitest";
import { clientSupportsGmcp, parseGmcpPackage } from "../../../evennia-ts/server/oob/core-supports.ts";
import type { ServerSession } from "../../../evennia-ts/server/server-session.ts";

function sessionWith(options: Record<string, unknown>): ServerSession {
  return { clientOptions: options } as unknown as ServerSession;
}

describe("parseGmcpPackage", () => {
  it("reads a package name and version", () => {
    expect(parseGmcpPackage("Char 1")).toEqual({ name: "char", version: 1 });
    expect(parseGmcpPackage(" Char.Skills 2 ")).toEqual({ name: "char.skills", version: 2 });
    expect(parseGmcpPackage("Room")).toEqual({ name: "room", version: 1 });
  });

  it("refuses what is not a package", () => {
    expect(parseGmcpPackage(12)).toBeNull();
    expect(parseGmcpPackage("")).toBeNull();
    expect(parseGmcpPackage("Char one")).toBeNull();
    expect(parseGmcpPackage("x".repeat(100))).toBeNull();
  });
});

describe("clientSupportsGmcp", () => {
  it("is true for everything while the client announced nothing", () => {
    expect(clientSupportsGmcp(sessionWith({}), "Char.Vitals")).toBe(true);
  });

  it("matches a package or a parent, case-insensitively, and always Core", () => {
    const s = sessionWith({ gmcp_supports: { char: 1, "comm.channel": 1 } });
    expect(clientSupportsGmcp(s, "Char.Vitals")).toBe(true);
    expect(clientSupportsGmcp(s, "char")).toBe(true);
    expect(clientSupportsGmcp(s, "Comm.Channel.Text")).toBe(true);
    expect(clientSupportsGmcp(s, "Comm.Other")).toBe(false);
    expect(clientSupportsGmcp(s, "Room.Info")).toBe(false);
    expect(clientSupportsGmcp(s, "Core.Goodbye")).toBe(true);
  });
});
