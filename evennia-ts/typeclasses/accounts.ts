/**
 * `DefaultAccount`: a player's login. Passwords are hashed with scrypt; names are
 * unique case-insensitively.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";
import type { AccountRow } from "../db/entities/rows.ts";
import { EvenniaError } from "../utils/errors.ts";
import { registerDefaultTypeclass } from "./registry.ts";
import { TypedObject } from "./typed-object.ts";

const scrypt = promisify(scryptCb) as (password: string, salt: Buffer, keylen: number, options: object) => Promise<Buffer>;
const SCRYPT = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEYLEN = 32;

/** Hash a password as `scrypt$N$r$p$salt$hash` (base64). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password.normalize("NFKC"), salt, KEYLEN, SCRYPT);
  return ["scrypt", SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString("base64"), hash.toString("base64")].join("$");
}

/** Check a password against a stored hash, in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [, n, r, p, saltB64, hashB64] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(hashB64, "base64");
  const actual = await scrypt(password.normalize("NFKC"), Buffer.from(saltB64, "base64"), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: SCRYPT.maxmem,
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A player account. */
export class DefaultAccount extends TypedObject<AccountRow> {
  static override readonly kind = "account" as const;

  /** The account name (same as `username`). */
  override get key(): string {
    return this._row.username;
  }
  override set key(value: string) {
    this.username = value;
  }

  /** The login name. */
  get username(): string {
    return this._row.username;
  }
  set username(value: string) {
    const name = String(value).trim();
    if (!name) throw new EvenniaError("EV_ERR_BAD_INPUT", "a username cannot be empty");
    this._setField("username", name);
    this._setField("username_lower", name.toLowerCase());
  }

  /** True for the superuser (the first account created). */
  get isSuperuser(): boolean {
    return this._row.is_superuser;
  }
  set isSuperuser(value: boolean) {
    this._setField("is_superuser", Boolean(value));
  }

  /**
   * True while the account has quelled its permissions: its puppet is judged by the
   * lower of the account's and the puppet's permissions, and a superuser loses the
   * lock bypass in character (Evennia's `_quell` attribute).
   */
  get quelled(): boolean {
    return Boolean(this.attributes.get("_quell"));
  }
  set quelled(value: boolean) {
    if (value) this.attributes.add("_quell", true);
    else this.attributes.remove("_quell");
  }

  /** Admins examine, edit, delete and boot an account; anyone may message it (Evennia's locks). */
  override basetypeSetup(): void {
    super.basetypeSetup();
    this.locks.add(
      "examine:perm(Admin);edit:perm(Admin);delete:perm(Admin);boot:perm(Admin);msg:all();noidletimeout:perm(Builder) or perm(noidletimeout)",
    );
  }

  /** Last successful login, if any. */
  get lastLogin(): Date | null {
    return this._row.last_login === null ? null : new Date(this._row.last_login);
  }

  /** Set a new password (hashed with scrypt). */
  async setPassword(password: string): Promise<void> {
    const hash = await hashPassword(password);
    this._setField("password_hash", hash);
  }

  /** True when `password` is this account's password. */
  checkPassword(password: string): Promise<boolean> {
    return verifyPassword(password, this._row.password_hash);
  }

  /** @internal record a login */
  _touchLogin(): void {
    this._setField("last_login", Date.now());
  }
}

registerDefaultTypeclass("evennia.accounts.DefaultAccount", DefaultAccount);
