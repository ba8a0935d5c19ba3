import { afterEach, describe, expect, it } from "vitest";
import {
  findReportableVariable,
  registerReportableVariable,
  reportableVariableNames,
  resetReportableVariables,
  sendableVariableNames,
  unregisterReportableVariable,
} from "../../../evennia-ts/server/oob/reportable-variables.ts";
import type { ServerSession } from "../../../evennia-ts/server/server-session.ts";

afterEach(() => resetReportableVariables());

describe("reportable variables", () => {
  it("has the documented defaults", () => {
    expect(reportableVariableNames()).toEqual([
      "EXPERIENCE",
      "HEALTH",
      "HEALTH_MAX",
      "LEVEL",
      "MANA",
      "MANA_MAX",
      "MONEY",
      "MOVEMENT",
      "MOVEMENT_MAX",
    ]);
    expect(sendableVariableNames()).toEqual(expect.arrayContaining(["SERVER_ID", "SERVER_TIME", "CHARACTER_NAME", "ROOM_NAME"]));
    expect(findReportableVariable("health")?.attribute).toEqual({ key: "hp", category: "" });
  });

  it("lets a game add and replace variables, and removing brings the default back", () => {
    registerReportableVariable("Health", { attribute: { key: "HitPoints", category: "Stats" } });
    expect(findReportableVariable("HEALTH")?.attribute).toEqual({ key: "hitpoints", category: "stats" });
    registerReportableVariable("weather", { get: () => "rain" });
    expect(sendableVariableNames()).toContain("WEATHER");
    expect(reportableVariableNames()).not.toContain("WEATHER");
    expect(findReportableVariable("WEATHER")!.get({} as ServerSession)).toBe("rain");
    expect(unregisterReportableVariable("health")).toBe(true);
    expect(findReportableVariable("HEALTH")?.attribute?.key).toBe("hp");
  });

  it("refuses bad names and variables with nothing behind them", () => {
    expect(() => registerReportableVariable("has space", { get: () => 1 })).toThrow(/invalid MSDP variable name/);
    expect(() => registerReportableVariable("", { get: () => 1 })).toThrow(/invalid MSDP variable name/);
    expect(() => registerReportableVariable("EMPTY", {})).toThrow(/getter or an attribute/);
  });
});
