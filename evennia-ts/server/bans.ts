/**
 * Bans (Evennia's `server_bans`): account names and IP patterns refused at the door.
 * They are kept in the persistent server config (key `server_bans`, a JSON list), so
 * they survive reloads and restarts, and are checked when a connection opens, at
 * login and at account creation.
 *
 * An IP pattern is four dot-separated numbers, any of which may be `*` (one number
 * of 1 to 3 digits): `203.0.113.*` bans a /24, `203.0.*.*` a /16. A name ban
 * matches the account name in any case.
 */
import type { BanAdmin, BanEntry } from "../commands/command.ts";
import { BANNED_LOGIN_MESSAGE } from "../commands/default/unloggedin.ts";
import { EvenniaError } from "../utils/errors.ts";
import type { ServerConfig } from "./server-config.ts";

/** The server-config key the bans are stored under. */
export const BANS_CONFIG_KEY = "server_bans";

/** What a banned connection is told (the same words as a banned login or account creation). */
export const BANNED_MESSAGE = BANNED_LOGIN_MESSAGE;

/** A whole IPv4 address or pattern: four numbers of 1 to 3 digits, any of them (or part of one) `*`. */
const IP_PATTERN = /^[0-9*]{1,3}\.[0-9*]{1,3}\.[0-9*]{1,3}\.[0-9*]{1,3}$/;

/** Is `text` an IP address or pattern a ban can hold? */
export function isIpPattern(text: string): boolean {
  return IP_PATTERN.test(text.trim());
}

/** A RegExp matching the addresses an IP pattern bans (`*` is one number). */
export function ipPatternRegExp(pattern: string): RegExp {
  const source = pattern
    .split(".")
    .map((part) => (part === "*" ? "[0-9]{1,3}" : part.replace(/\*/g, "[0-9]*")))
    .join("\\.");
  return new RegExp(`^${source}$`);
}

/** The address part of a session address (`::ffff:1.2.3.4` → `1.2.3.4`; a port after the last `:` of an IPv4 is dropped). */
export function normalizeAddress(address: string): string {
  let a = address.trim();
  if (a.startsWith("::ffff:")) a = a.slice(7);
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(a);
  return v4WithPort ? v4WithPort[1]! : a;
}

/** Does `entry` ban this address or account name? */
export function banMatches(entry: BanEntry, who: { ip?: string; username?: string }): boolean {
  const name = who.username?.trim().toLowerCase();
  if (entry.name && name && entry.name === name) return true;
  if (entry.ip && who.ip) return ipPatternRegExp(entry.ip).test(normalizeAddress(who.ip));
  return false;
}

function isBanEntry(value: unknown): value is BanEntry {
  if (!value || typeof value !== "object") return false;
  const v = value as Record<string, unknown>;
  return typeof v.name === "string" && typeof v.ip === "string" && typeof v.date === "string" && typeof v.reason === "string";
}

/** The stored list, read leniently: a malformed value or entry is left out rather than breaking logins. */
export function parseBans(stored: string | null): BanEntry[] {
  if (!stored) return [];
  try {
    const value: unknown = JSON.parse(stored);
    return Array.isArray(value) ? value.filter(isBanEntry) : [];
  } catch {
    return [];
  }
}

/** The bans kept in `config`: what the `ban` and `unban` commands and the login checks use. */
export class BanList implements BanAdmin {
  constructor(private readonly config: Pick<ServerConfig, "get" | "stage">) {}

  /** Every ban, oldest first. */
  async list(): Promise<BanEntry[]> {
    return parseBans(await this.config.get(BANS_CONFIG_KEY));
  }

  /** Add a ban on an account name or an IP pattern. Staged in the current unit of work. */
  async add(ban: { name: string } | { ip: string }, reason: string): Promise<BanEntry> {
    const name = "name" in ban ? ban.name.trim().toLowerCase() : "";
    const ip = "ip" in ban ? ban.ip.trim() : "";
    if ("ip" in ban && !isIpPattern(ip)) throw new EvenniaError("EV_ERR_BAD_INPUT", `'${ip}' is not an IP address or pattern (such as 203.0.113.7 or 203.0.113.*).`);
    if ("name" in ban && !name) throw new EvenniaError("EV_ERR_BAD_INPUT", "A name ban needs a name.");
    const entry: BanEntry = { name, ip, date: new Date().toISOString(), reason: reason.trim() };
    const bans = await this.list();
    bans.push(entry);
    this.config.stage(BANS_CONFIG_KEY, JSON.stringify(bans));
    return entry;
  }

  /** Remove ban number `id` (from 1). Staged in the current unit of work. */
  async remove(id: number): Promise<BanEntry | null> {
    const bans = await this.list();
    if (!Number.isInteger(id) || id < 1 || id > bans.length) return null;
    const [removed] = bans.splice(id - 1, 1);
    this.config.stage(BANS_CONFIG_KEY, JSON.stringify(bans));
    return removed!;
  }

  /** True when a ban matches the address or the account name. */
  async isBanned(who: { ip?: string; username?: string }): Promise<boolean> {
    const bans = await this.list();
    return bans.some((entry) => banMatches(entry, who));
  }
}
