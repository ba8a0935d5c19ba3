/**
 * The public API (`evennia-ts`, evennia-ts/index.ts) gives game code what it builds
 * with, and none of the store's internals.
 */
import { expect, it } from "vitest";
import * as api from "../evennia-ts/index.ts";

it("exports the typeclasses and their helpers", () => {
  for (const name of ["DefaultObject", "DefaultCharacter", "DefaultRoom", "createObject", "getById", "search", "NotLoadedError", "EvenniaError"]) {
    expect(api, name).toHaveProperty(name);
  }
});

it("does not export the store's internals", () => {
  for (const name of ["Store", "setStore", "getStore", "noStore", "IdentityMap"]) expect(Object.keys(api)).not.toContain(name);
});
