import { afterEach, describe, expect, it } from "vitest";
import { setActiveSettings } from "../../evennia-ts/conf/active-settings.ts";
import { defaultSettings } from "../../evennia-ts/conf/default-settings.ts";
import { buildSettings } from "../../evennia-ts/conf/settings.ts";
import { hashPassword, verifyPassword } from "../../evennia-ts/typeclasses/accounts.ts";

describe("password hashes and the setting passwordHashCost", () => {
  afterEach(() => setActiveSettings(null));

  it("hashes with the cost the settings give and records it in the hash", async () => {
    setActiveSettings({ ...defaultSettings, passwordHashCost: 2048 });
    const hash = await hashPassword("secret123");
    expect(hash.split("$").slice(0, 4)).toEqual(["scrypt", "2048", "8", "1"]);
    expect(await verifyPassword("secret123", hash)).toBe(true);
    expect(await verifyPassword("secret124", hash)).toBe(false);
  });

  it("checks a password hashed at another cost after the setting changed", async () => {
    setActiveSettings({ ...defaultSettings, passwordHashCost: 1024 });
    const cheap = await hashPassword("secret123");
    setActiveSettings(null);
    const standard = await hashPassword("secret123");
    expect(standard.split("$")[1]).toBe(String(defaultSettings.passwordHashCost));
    expect(await verifyPassword("secret123", cheap)).toBe(true);
    expect(await verifyPassword("secret123", standard)).toBe(true);
  });

  it("refuses a cost that is not a power of two in range", () => {
    for (const bad of [1000, 512, 3000, 2 ** 21, -1024, 1024.5]) {
      expect(() => buildSettings("/tmp", { passwordHashCost: bad })).toThrow(/passwordHashCost/);
    }
    expect(buildSettings("/tmp", { passwordHashCost: 4096 }).passwordHashCost).toBe(4096);
  });

  it("treats a malformed or tampered hash as a wrong password", async () => {
    expect(await verifyPassword("x", "md5$abc")).toBe(false);
    expect(await verifyPassword("x", "")).toBe(false);
    const good = await hashPassword("x");
    const parts = good.split("$");
    for (const [i, value] of [[1, String(2 ** 30)], [1, "abc"], [2, "64"], [3, "9"], [5, ""]] as const) {
      const tampered = [...parts];
      tampered[i] = value;
      expect(await verifyPassword("x", tampered.join("$"))).toBe(false);
    }
  });
});
