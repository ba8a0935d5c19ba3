/**
 * MSDP (MUD Server Data Protocol) payloads ⇄ message triples.
 *
 * Wire format: `VAR name VAL value`, where a value is a string, a table
 * (`TABLE_OPEN (VAR k VAL v)* TABLE_CLOSE`) or an array (`ARRAY_OPEN (VAL v)* ARRAY_CLOSE`);
 * several `VAL`s after one `VAR` make an array. Values arrive as strings.
 *
 * In (client → server), one triple per top-level variable:
 * - the commands `LIST`, `REPORT`, `UNREPORT`, `SEND`, `RESET` become `msdp_list`,
 *   `msdp_report`, ... with the values as args (`REPORT HEALTH MANA` →
 *   `["msdp_report", ["HEALTH", "MANA"], {}]`);
 * - any other variable `NAME` becomes cmdname `name` (lower-cased); a table value → kwargs,
 *   an array → args, a string → `[string]`.
 *
 * Out (server → client):
 * - `["msdp", [], {HEALTH: 10, ROOM: {...}}]` sends each kwarg as a raw variable, name as
 *   given: `VAR HEALTH VAL 10 VAR ROOM VAL TABLE...`;
 * - any other triple is ONE variable named by the upper-cased cmdname:
 *   kwargs only → a table (`["char_vitals", [], {hp: 10}]` → `VAR CHAR_VITALS VAL TABLE_OPEN
 *   VAR hp VAL 10 TABLE_CLOSE`), which the client-side mapping above turns back into the
 *   same triple; one arg → `VAL arg`; several args → an array; args and kwargs → a table
 *   holding the kwargs plus the args under key `args`; nothing → `VAL ""`.
 * - numbers and booleans are sent as their decimal / `1`/`0` text, null as an empty string;
 *   nested arrays and objects become MSDP arrays and tables.
 */
import type { OobMessage } from "../../protocol/message.ts";
import { cmdnameToMsdp, msdpToCmdname } from "../../protocol/oob-names.ts";

/** MSDP token bytes. */
export const MsdpByte = {
  VAR: 1,
  VAL: 2,
  TABLE_OPEN: 3,
  TABLE_CLOSE: 4,
  ARRAY_OPEN: 5,
  ARRAY_CLOSE: 6,
} as const;

const { VAR, VAL, TABLE_OPEN, TABLE_CLOSE, ARRAY_OPEN, ARRAY_CLOSE } = MsdpByte;

/** A decoded MSDP value. */
export type MsdpValue = string | MsdpValue[] | { [key: string]: MsdpValue };

/** Deepest nesting of tables/arrays accepted. */
const MAX_DEPTH = 32;
const COMMANDS = new Set(["LIST", "REPORT", "UNREPORT", "SEND", "RESET"]);

/** Parse an MSDP payload into its top-level variables, in order. Malformed parts are skipped. */
export function parseMsdp(payload: Buffer): Array<[name: string, value: MsdpValue]> {
  const reader = new MsdpReader(payload);
  return reader.readVariables(0, false);
}

class MsdpReader {
  private pos = 0;
  private readonly decoder = new TextDecoder("utf-8", { fatal: false });

  constructor(private readonly buf: Buffer) {}

  /** Read `VAR name VAL value...` pairs until the end (or a TABLE_CLOSE when `inTable`). */
  readVariables(depth: number, inTable: boolean): Array<[string, MsdpValue]> {
    const out: Array<[string, MsdpValue]> = [];
    while (this.pos < this.buf.length) {
      const b = this.buf[this.pos]!;
      if (b === TABLE_CLOSE && inTable) {
        this.pos++;
        return out;
      }
      if (b !== VAR) {
        this.pos++; // stray byte: skip
        continue;
      }
      this.pos++;
      const name = this.readString();
      const values: MsdpValue[] = [];
      while (this.buf[this.pos] === VAL) {
        this.pos++;
        values.push(this.readValue(depth));
      }
      out.push([name, values.length === 0 ? "" : values.length === 1 ? values[0]! : values]);
    }
    return out;
  }

  private readValue(depth: number): MsdpValue {
    const b = this.buf[this.pos];
    if (b === TABLE_OPEN) {
      this.pos++;
      if (depth >= MAX_DEPTH) return this.skipNested();
      const table: Record<string, MsdpValue> = {};
      // a "__proto__" key would set the table's prototype, not a key: dropped (as GMCP's)
      for (const [k, v] of this.readVariables(depth + 1, true)) if (k !== "__proto__") table[k] = v;
      return table;
    }
    if (b === ARRAY_OPEN) {
      this.pos++;
      if (depth >= MAX_DEPTH) return this.skipNested();
      const arr: MsdpValue[] = [];
      while (this.pos < this.buf.length) {
        const c = this.buf[this.pos]!;
        if (c === ARRAY_CLOSE) {
          this.pos++;
          break;
        }
        if (c === VAL) {
          this.pos++;
          arr.push(this.readValue(depth + 1));
        } else {
          this.pos++; // stray byte
        }
      }
      return arr;
    }
    return this.readString();
  }

  private readString(): string {
    const start = this.pos;
    while (this.pos < this.buf.length && this.buf[this.pos]! > ARRAY_CLOSE) this.pos++;
    return this.decoder.decode(this.buf.subarray(start, this.pos));
  }

  /** Skip a too-deep table/array up to its matching close. */
  private skipNested(): string {
    let level = 1;
    while (this.pos < this.buf.length && level > 0) {
      const b = this.buf[this.pos++]!;
      if (b === TABLE_OPEN || b === ARRAY_OPEN) level++;
      else if (b === TABLE_CLOSE || b === ARRAY_CLOSE) level--;
    }
    return "";
  }
}

/** Decode an MSDP payload into message triples (see the mapping above). */
export function decodeMsdp(payload: Buffer): OobMessage[] {
  const out: OobMessage[] = [];
  for (const [name, value] of parseMsdp(payload)) {
    const upper = name.trim().toUpperCase();
    if (upper.length === 0) continue;
    if (COMMANDS.has(upper)) {
      const args = typeof value === "string" ? (value === "" ? [] : [value]) : Array.isArray(value) ? value : [value];
      out.push([`msdp_${upper.toLowerCase()}`, args, {}]);
    } else if (typeof value === "string") {
      out.push([msdpToCmdname(name), [value], {}]);
    } else if (Array.isArray(value)) {
      out.push([msdpToCmdname(name), value, {}]);
    } else {
      out.push([msdpToCmdname(name), [], { ...value }]);
    }
  }
  return out;
}

/** Encode a triple as an MSDP payload (see the mapping above). */
export function encodeMsdp(message: OobMessage): Buffer {
  const [cmdname, args, kwargs] = message;
  const parts: Buffer[] = [];
  if (cmdname === "msdp") {
    for (const [key, value] of Object.entries(kwargs)) encodeVariable(parts, key, value, 0);
    return Buffer.concat(parts);
  }
  const name = cmdnameToMsdp(cmdname);
  const hasKwargs = Object.keys(kwargs).length > 0;
  let value: unknown;
  if (hasKwargs && args.length > 0) value = { ...kwargs, args };
  else if (hasKwargs) value = kwargs;
  else if (args.length === 1) value = args[0];
  else if (args.length > 1) value = args;
  else value = "";
  encodeVariable(parts, name, value, 0);
  return Buffer.concat(parts);
}

function encodeVariable(parts: Buffer[], name: string, value: unknown, depth: number): void {
  parts.push(Buffer.from([VAR]), text(name), Buffer.from([VAL]));
  encodeValue(parts, value, depth);
}

function encodeValue(parts: Buffer[], value: unknown, depth: number): void {
  if (depth > MAX_DEPTH) {
    parts.push(text(""));
    return;
  }
  if (Array.isArray(value)) {
    parts.push(Buffer.from([ARRAY_OPEN]));
    for (const item of value) {
      parts.push(Buffer.from([VAL]));
      encodeValue(parts, item, depth + 1);
    }
    parts.push(Buffer.from([ARRAY_CLOSE]));
  } else if (value !== null && typeof value === "object") {
    parts.push(Buffer.from([TABLE_OPEN]));
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) encodeVariable(parts, k, v, depth + 1);
    parts.push(Buffer.from([TABLE_CLOSE]));
  } else if (typeof value === "boolean") {
    parts.push(text(value ? "1" : "0"));
  } else if (value === null || value === undefined) {
    parts.push(text(""));
  } else {
    parts.push(text(String(value)));
  }
}

/** UTF-8 bytes of a string with the MSDP token bytes (0-6) removed. */
function text(value: string): Buffer {
  // eslint-disable-next-line no-control-regex
  return Buffer.from(value.replace(/[\u0000-\u0006]/g, ""), "utf8");
}
