/** The small pluraliser and number words used to group things ("three swords"). */
import { expect, it } from "vitest";
import { joinList, numberToWords, numberedName, pluralize, withArticle } from "../../evennia-ts/utils/inflect.ts";

it("pluralises regular, irregular and multi-word names", () => {
  expect(pluralize("sword")).toBe("swords");
  expect(pluralize("box")).toBe("boxes");
  expect(pluralize("torch")).toBe("torches");
  expect(pluralize("ruby")).toBe("rubies");
  expect(pluralize("key")).toBe("keys");
  expect(pluralize("knife")).toBe("knives");
  expect(pluralize("Child")).toBe("Children");
  expect(pluralize("sheep")).toBe("sheep");
  expect(pluralize("rusty sword")).toBe("rusty swords");
  expect(pluralize("cup of tea")).toBe("cups of tea");
  expect(pluralize("|rred gem|n")).toBe("|rred gems|n");
  expect(pluralize("sword", 1)).toBe("sword");
});

it("says numbers up to twelve in words and picks a or an", () => {
  expect(numberToWords(3)).toBe("three");
  expect(numberToWords(12)).toBe("twelve");
  expect(numberToWords(13)).toBe("13");
  expect(withArticle("apple")).toBe("an apple");
  expect(withArticle("unicorn")).toBe("a unicorn");
  expect(withArticle("hour glass")).toBe("an hour glass");
  expect(numberedName("sword", 1)).toBe("a sword");
  expect(numberedName("sword", 3)).toBe("three swords");
  expect(numberedName("coin", 20)).toBe("20 coins");
});

it("joins lists as Evennia does", () => {
  expect(joinList([])).toBe("");
  expect(joinList(["a"])).toBe("a");
  expect(joinList(["a", "b"])).toBe("a and b");
  expect(joinList(["a", "b", "c"])).toBe("a, b, and c");
});
