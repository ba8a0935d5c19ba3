/**
 * A character's name is its own across the game (Evennia's `validate_name`): `charcreate`,
 * its menu and account creation with an automatic character refuse a name another player's
 * character has, case-insensitively; two players asking for the same name at once get one
 * character between them; a deleted character frees its name; a game's character class can
 * change the rule.
 */
import { expect, it } from "vitest";
import { CmdCharCreate } from "../../../evennia-ts/commands/default/account.ts";
import { characterNameProblem, createCharacterFor } from "../../../evennia-ts/commands/default/character-creation.ts";
import { callCommand, describeWithWorld } from "../../../evennia-ts/testing/index.ts";
import { DefaultAccount } from "../../../evennia-ts/typeclasses/accounts.ts";
import { DefaultCharacter, characterNameTaken } from "../../../evennia-ts/typeclasses/characters.ts";
import { registerTypeclass } from "../../../evennia-ts/typeclasses/registry.ts";
import { findAccount } from "../../../evennia-ts/typeclasses/search.ts";
import { isEvenniaError } from "../../../evennia-ts/utils/errors.ts";

/** A game's character class that lets players share names, but never "Nobody". */
class SharedNameCharacter extends DefaultCharacter {
  static override async validateName(name: string): Promise<string | null> {
    return name.trim().toLowerCase() === "nobody" ? "Nobody may be called Nobody." : null;
  }
}
registerTypeclass("tests.names.SharedNameCharacter", SharedNameCharacter);

describeWithWorld(
  "character names are unique across accounts",
  (w) => {
    it("charcreate refuses another account's character's name, in any case", async () => {
      const { account2, session2 } = w.world;
      // "Char" is account1's character
      await callCommand(w.world, CmdCharCreate, "Char", "A character named 'Char' already exists.", { caller: account2, session: session2 });
      await callCommand(w.world, CmdCharCreate, "cHAR", "A character named 'cHAR' already exists.", { caller: account2, session: session2 });
      expect(account2.characters.map((c) => c.key)).toEqual(["Char2"]);
      await callCommand(w.world, CmdCharCreate, "Fresh", "Created new character Fresh.", { caller: account2, session: session2 });
      await callCommand(w.world, CmdCharCreate, "fresh", "A character named 'fresh' already exists.", { caller: w.world.account1, session: w.world.session1 });
    });

    it("a name made in the same unit and not committed yet is taken already", async () => {
      const { account1, account2 } = w.world;
      const second = await w.world.unit(async () => {
        const first = await createCharacterFor(account1, "Samename");
        expect("character" in first).toBe(true);
        return createCharacterFor(account2, "SAMENAME");
      });
      expect(second).toEqual({ error: "|rA character named '|wSAMENAME|r' already exists.|n" });
    });

    it("two players asking for one name at the same moment get one character between them", async () => {
      const { account1, account2 } = w.world;
      const results = await Promise.all([
        w.world.unit(() => createCharacterFor(account1, "Twin")),
        w.world.unit(() => createCharacterFor(account2, "twin")),
      ]);
      expect(results.filter((r) => "character" in r)).toHaveLength(1);
      expect(results.filter((r) => "error" in r)).toHaveLength(1);
      expect(await w.world.unit(() => characterNameTaken("TWIN"))).toBe(true);
    });

    it("a deleted character frees its name; an object that is not a character does not hold one", async () => {
      const { account1, account2, obj1 } = w.world;
      const made = await w.world.unit(() => createCharacterFor(account1, "Gone"));
      if (!("character" in made)) throw new Error(made.error);
      await w.world.unit(() => made.character.delete());
      expect(await w.world.unit(() => characterNameProblem(account2, "Gone"))).toBeNull();
      // obj1 is a plain object: its key is not a character's name
      expect(await w.world.unit(() => characterNameProblem(account2, obj1.key))).toBeNull();
    });

    it("an account whose automatic character would take another character's name is refused, and not created", async () => {
      const refused = await w.world.unit(() => DefaultAccount.create({ username: "char2", password: "password123" })).catch((e: unknown) => e);
      expect(isEvenniaError(refused, "EV_ERR_BAD_INPUT")).toBe(true);
      expect((refused as Error).message).toBe("A character named 'char2' already exists.");
      expect(await w.world.unit(() => findAccount("char2"))).toBeNull();
      const made = await w.world.unit(() => DefaultAccount.create({ username: "Newcomer", password: "password123" }));
      expect(made.characters.map((c) => c.key)).toEqual(["Newcomer"]);
    });
  },
  { settings: { maxNrCharacters: 4 } },
);

describeWithWorld(
  "a game's character class decides what names are allowed",
  (w) => {
    it("its validateName is asked, by charcreate and by account creation", async () => {
      const { account2, session2 } = w.world;
      await callCommand(w.world, CmdCharCreate, "Char", "Created new character Char.", { caller: account2, session: session2 });
      await callCommand(w.world, CmdCharCreate, "Nobody", "Nobody may be called Nobody.", { caller: account2, session: session2 });
      const refused = await w.world.unit(() => DefaultAccount.create({ username: "Nobody", password: "password123" })).catch((e: unknown) => e);
      expect((refused as Error).message).toBe("Nobody may be called Nobody.");
      expect(await w.world.unit(() => findAccount("Nobody"))).toBeNull();
    });
  },
  { settings: { maxNrCharacters: 4, baseCharacterTypeclass: "tests.names.SharedNameCharacter" } },
);
