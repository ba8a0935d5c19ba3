/**
 * `DefaultChannel`: a named channel. (Subscriptions and history arrive with the
 * channels issue.)
 */
import type { ChannelRow } from "../db/entities/rows.ts";
import { EvenniaError } from "../utils/errors.ts";
import { registerDefaultTypeclass } from "./registry.ts";
import { TypedObject } from "./typed-object.ts";

/** A channel. */
export class DefaultChannel extends TypedObject<ChannelRow> {
  static override readonly kind = "channel" as const;

  /** Anyone may send and listen; Admins control the channel (Evennia's locks). */
  override basetypeSetup(): void {
    super.basetypeSetup();
    this.locks.add("send:all();listen:all();control:perm(Admin)");
  }

  override get key(): string {
    return this._row.key;
  }
  override set key(value: string) {
    const key = String(value).trim();
    if (!key) throw new EvenniaError("EV_ERR_BAD_INPUT", "a channel key cannot be empty");
    this._setField("key", key);
    this._setField("key_lower", key.toLowerCase());
  }
}

registerDefaultTypeclass("evennia.channels.DefaultChannel", DefaultChannel);
