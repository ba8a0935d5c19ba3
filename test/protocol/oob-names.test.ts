import { afterEach, describe, expect, it } from "vitest";
import {
  cmdnameToGmcp,
  cmdnameToMsdp,
  gmcpToCmdname,
  msdpToCmdname,
  registerGmcpName,
  resetGmcpNames,
} from "../../evennia-ts/protocol/oob-names.ts";

afterEach(() => resetGmcpNames());

describe("GMCP names", () => {
  it("maps dotted packages to snake_case cmdnames and back", () => {
    expect(gmcpToCmdname("Char.Vitals")).toBe("char_vitals");
    expect(gmcpToCmdname("Core.Hello")).toBe("core_hello");
    expect(gmcpToCmdname("Room.Info.Exits")).toBe("room_info_exits");
    expect(cmdnameToGmcp("char_vitals")).toBe("Char.Vitals");
    expect(cmdnameToGmcp("core_hello")).toBe("Core.Hello");
    expect(cmdnameToGmcp("room_info_exits")).toBe("Room.Info.Exits");
  });

  it("puts single words under Core and keeps all-caps words", () => {
    expect(cmdnameToGmcp("ping")).toBe("Core.Ping");
    expect(cmdnameToGmcp("IRE_rift_list")).toBe("IRE.Rift.List");
  });

  it("knows Evennia's built-in names in both directions", () => {
    expect(cmdnameToGmcp("client_options")).toBe("Core.Supports.Get");
    expect(gmcpToCmdname("Core.Supports.Get")).toBe("client_options");
    expect(cmdnameToGmcp("monitor")).toBe("Char.Monitor.Update");
  });

  it("lets game code register names the rule cannot guess", () => {
    expect(cmdnameToGmcp("char_statusvars")).toBe("Char.Statusvars");
    registerGmcpName("Char.StatusVars", "char_statusvars");
    expect(cmdnameToGmcp("char_statusvars")).toBe("Char.StatusVars");
    expect(gmcpToCmdname("Char.StatusVars")).toBe("char_statusvars");
    expect(gmcpToCmdname("char.statusvars")).toBe("char_statusvars");
  });

  it("replaces an earlier registration of the same name", () => {
    registerGmcpName("Char.Vitals", "vitals");
    registerGmcpName("Char.Vitals", "hp_update");
    expect(gmcpToCmdname("Char.Vitals")).toBe("hp_update");
    expect(cmdnameToGmcp("hp_update")).toBe("Char.Vitals");
    expect(cmdnameToGmcp("vitals")).toBe("Core.Vitals");
  });

  it("forgets game registrations on reset", () => {
    registerGmcpName("X.Y", "foo");
    resetGmcpNames();
    expect(gmcpToCmdname("X.Y")).toBe("x_y");
  });
});

describe("MSDP names", () => {
  it("upper-cases cmdnames and lower-cases variables", () => {
    expect(cmdnameToMsdp("char_vitals")).toBe("CHAR_VITALS");
    expect(msdpToCmdname("HEALTH_MAX")).toBe("health_max");
  });
});
