/**
 * `OptionHandler`: per-account display style options (Evennia's `account.options`),
 * set by players with the `style` command: border and header colours, fill
 * characters, time zone. Which options exist, their types and defaults come from the
 * setting `optionsAccountDefault`; what a player changed is kept in the account's
 * attributes under the category `option`, so a default that changes later reaches
 * everyone who never set the option.
 *
 * ```ts
 * account.options.get("border_color");      // "n" unless the player changed it
 * account.options.set("border", "r");       // a unique prefix is enough
 * ```
 */
import { activeSettings } from "../conf/active-settings.ts";
import { EvenniaError } from "../utils/errors.ts";
import { stripMarkup } from "../utils/text/markup.ts";
import type { AttributeHandler } from "./attribute-handler.ts";

/** The types of option values, as Evennia names their classes. */
export type OptionType = "Color" | "Text" | "Timezone";

/** One option: what it is for, its type and value. */
export interface OptionInfo {
  key: string;
  description: string;
  type: OptionType;
  /** The value in use (the saved one, else the default). */
  value: string;
  defaultValue: string;
  /** True when the account saved its own value. */
  changed: boolean;
}

/** Attribute category of saved options (Evennia's). */
export const OPTION_ATTRIBUTE_CATEGORY = "option";

/** Longest text value (fill characters and the like). */
const MAX_TEXT_LENGTH = 20;

/**
 * Check `raw` for an option of `type` and return the value to store, or throw
 * `EV_ERR_BAD_INPUT` with a message for the player.
 */
export function validateOptionValue(type: OptionType, raw: string): string {
  const value = raw.trim();
  switch (type) {
    case "Color": {
      if (!value) throw new EvenniaError("EV_ERR_BAD_INPUT", "Nothing entered for a color!");
      const code = value.startsWith("|") ? value.slice(1) : value;
      // a colour code leaves no text behind once the markup is taken out
      if (!code || stripMarkup(`|${code}`) !== "") throw new EvenniaError("EV_ERR_BAD_INPUT", `'${value}' is not a valid color.`);
      return code;
    }
    case "Text":
      if (!value) throw new EvenniaError("EV_ERR_BAD_INPUT", "Nothing entered!");
      if (value.length > MAX_TEXT_LENGTH || /[\r\n]/.test(value)) {
        throw new EvenniaError("EV_ERR_BAD_INPUT", `The text must be one line of at most ${MAX_TEXT_LENGTH} characters.`);
      }
      return value;
    case "Timezone": {
      if (!value) throw new EvenniaError("EV_ERR_BAD_INPUT", "No timezone entered!");
      try {
        return new Intl.DateTimeFormat("en-US", { timeZone: value }).resolvedOptions().timeZone;
      } catch {
        throw new EvenniaError("EV_ERR_BAD_INPUT", `'${value}' is not a valid timezone (try UTC, Europe/Paris or America/New_York).`);
      }
    }
  }
}

/** How a value of `type` is shown (a colour is shown in itself). */
export function displayOptionValue(type: OptionType, value: string): string {
  return type === "Color" ? `${value.replace(/\|/g, "||")} - |${value}this|n` : value;
}

/** The style options of one account. */
export class OptionHandler {
  constructor(private readonly attributes: AttributeHandler) {}

  /** Every option the settings define, with its value for this account, in the settings' order. */
  all(): OptionInfo[] {
    return Object.keys(activeSettings().optionsAccountDefault).map((key) => this.info(key)!);
  }

  /** One option, or undefined when the settings define none of that name. */
  info(key: string): OptionInfo | undefined {
    const definition = activeSettings().optionsAccountDefault[key];
    if (!definition) return undefined;
    const [description, type, defaultValue] = definition;
    const saved: unknown = this.attributes.get(key, { category: OPTION_ATTRIBUTE_CATEGORY });
    const changed = typeof saved === "string";
    return { key, description, type, defaultValue, value: changed ? saved : defaultValue, changed };
  }

  /** The value of option `key` (saved or default), or undefined for an unknown option. */
  get(key: string): string | undefined {
    return this.info(key)?.value;
  }

  /**
   * The option a name means: the exact name, else the only one it starts.
   * Throws `EV_ERR_BAD_INPUT` (not found, or several match).
   */
  resolve(name: string): string {
    const wanted = name.trim().toLowerCase();
    if (!wanted) throw new EvenniaError("EV_ERR_BAD_INPUT", "Option field blank!");
    const keys = Object.keys(activeSettings().optionsAccountDefault);
    if (keys.includes(wanted)) return wanted;
    const found = keys.filter((k) => k.startsWith(wanted));
    if (found.length === 0) throw new EvenniaError("EV_ERR_BAD_INPUT", `Option '${name.trim()}' not found!`);
    if (found.length > 1) throw new EvenniaError("EV_ERR_BAD_INPUT", `Multiple matches: ${found.join(", ")}. Please be more specific.`);
    return found[0]!;
  }

  /**
   * Set option `name` (an exact name or unique prefix) to `value`, checked for the
   * option's type. Returns the option as it is now; throws `EV_ERR_BAD_INPUT` with a
   * message for the player.
   */
  set(name: string, value: string): OptionInfo {
    const key = this.resolve(name);
    const info = this.info(key)!;
    const stored = validateOptionValue(info.type, value);
    this.attributes.add(key, stored, { category: OPTION_ATTRIBUTE_CATEGORY });
    return this.info(key)!;
  }

  /** Forget the account's own value of option `name`: the default applies again. */
  clear(name: string): OptionInfo {
    const key = this.resolve(name);
    this.attributes.remove(key, { category: OPTION_ATTRIBUTE_CATEGORY });
    return this.info(key)!;
  }
}
