/**
 * Attribute values as tagged JSON text.
 *
 * Plain JSON values (strings, finite numbers, booleans, null, arrays, plain objects) are
 * written as themselves. Everything JSON cannot say is written as an object with the tag key
 * `"$t"`:
 *
 * | value                        | stored as                                        |
 * |------------------------------|--------------------------------------------------|
 * | `undefined` (anywhere)       | `{"$t":"undef"}`                                 |
 * | `NaN`, `±Infinity`, `-0`     | `{"$t":"num","v":"NaN"}` (`"Infinity"`, `"-Infinity"`, `"-0"`) |
 * | bigint                       | `{"$t":"bigint","v":"123"}`                      |
 * | Date                         | `{"$t":"date","v":"2024-01-01T00:00:00.000Z"}` (`v` null: invalid Date) |
 * | Map                          | `{"$t":"map","v":[[key,value],...]}` (any keys)  |
 * | Set                          | `{"$t":"set","v":[...]}`                         |
 * | a {@link Referenceable}      | `{"$t":"ref","kind":"object","id":12,"created":1700000000000}` |
 * | plain object with a `$t` key | `{"$t":"obj","v":{...}}` (escaped, so no collision) |
 *
 * Decisions: array holes read back as `undefined` (arrays come back dense; non-index array
 * properties are not stored); object properties whose value is `undefined` are kept; symbol-keyed
 * properties are not stored; objects with a null prototype read back as ordinary objects;
 * shared (non-cyclic) sub-objects are stored as separate copies. Refused with `EV_ERR_SERIALIZE`,
 * naming the path: functions, symbols, cycles, instances of classes other than Map/Set/Date
 * (including their subclasses), WeakMap/WeakSet/WeakRef, Promise, and nesting deeper than
 * {@link MAX_DEPTH} levels.
 *
 * Loading is in two steps so that the database can be reached asynchronously in between:
 * {@link collectRefs} lists the rows referenced, the loader fetches them, then
 * {@link decodeValue} decodes synchronously with a `resolve` callback.
 */
import { EvenniaError } from "../utils/errors.ts";
import { DB_REF, dbRefKey, isValidDbRef, refMatches, type DbRef, type Referenceable } from "./db-ref.ts";

/** The key that marks a tagged value. */
const TAG = "$t";

/** The deepest nesting {@link encodeValue} accepts (containers inside containers). */
export const MAX_DEPTH = 1000;

const UNDEF = '{"$t":"undef"}';
const NAN = '{"$t":"num","v":"NaN"}';
const POS_INF = '{"$t":"num","v":"Infinity"}';
const NEG_INF = '{"$t":"num","v":"-Infinity"}';
const NEG_ZERO = '{"$t":"num","v":"-0"}';
const INVALID_DATE = '{"$t":"date","v":null}';

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Raised inside the encoder; turned into an EvenniaError with the full path at the top. */
class EncodeFailure {
  /** Path segments, innermost first (pushed while the stack unwinds). */
  readonly segs: string[] = [];
  constructor(
    readonly reason: string,
    /** For a cycle: how many segments lead from the root to the object referred back to. */
    readonly cycleDepth = -1,
  ) {}
}

/**
 * Encode `value` as tagged JSON text.
 *
 * @param path how to name the value in error messages (default `"value"`), e.g. `"#12.db.stats"`.
 * @throws EvenniaError `EV_ERR_SERIALIZE` naming the path of the offending part,
 *   e.g. `value.stats.fn: functions cannot be stored`.
 */
export function encodeValue(value: unknown, path = "value"): string {
  try {
    return encode(value, []);
  } catch (err) {
    if (!(err instanceof EncodeFailure)) throw err;
    const segs = err.segs.reverse();
    const where = path + segs.join("");
    const reason =
      err.cycleDepth >= 0 ? `cycle: refers back to ${path + segs.slice(0, err.cycleDepth).join("")}` : err.reason;
    throw new EvenniaError("EV_ERR_SERIALIZE", `${where}: ${reason}`);
  }
}

function encode(v: unknown, stack: object[]): string {
  switch (typeof v) {
    case "string":
      return JSON.stringify(v);
    case "number":
      if (Number.isFinite(v)) return v === 0 && 1 / v < 0 ? NEG_ZERO : String(v);
      return v !== v ? NAN : v > 0 ? POS_INF : NEG_INF;
    case "boolean":
      return v ? "true" : "false";
    case "undefined":
      return UNDEF;
    case "bigint":
      return `{"$t":"bigint","v":"${v.toString()}"}`;
    case "function":
      throw new EncodeFailure("functions cannot be stored");
    case "symbol":
      throw new EncodeFailure("symbols cannot be stored");
    default:
      return v === null ? "null" : encodeObject(v as object, stack);
  }
}

function encodeObject(v: object, stack: object[]): string {
  if (typeof (v as Partial<Referenceable>)[DB_REF] === "function") return encodeRef(v as Referenceable);
  if (Array.isArray(v)) return encodeArray(v, enter(v, stack));
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto === Object.prototype || proto === null) return encodePlain(v as Record<string, unknown>, enter(v, stack));
  if (proto === Map.prototype) return encodeMap(v as Map<unknown, unknown>, enter(v, stack));
  if (proto === Set.prototype) return encodeSet(v as Set<unknown>, enter(v, stack));
  if (proto === Date.prototype) {
    const d = v as Date;
    const t = d.getTime();
    return t !== t ? INVALID_DATE : `{"$t":"date","v":"${d.toISOString()}"}`;
  }
  throw refusal(v);
}

/** Push a container on the ancestor stack, refusing cycles and excessive depth. */
function enter(v: object, stack: object[]): object[] {
  const at = stack.indexOf(v);
  if (at >= 0) throw new EncodeFailure("cycle", at);
  if (stack.length >= MAX_DEPTH) throw new EncodeFailure(`nested more than ${MAX_DEPTH} levels deep`);
  stack.push(v);
  return stack;
}

function encodeRef(v: Referenceable): string {
  const ref = v[DB_REF]();
  if (!isValidDbRef(ref)) {
    throw new EncodeFailure(`a reference to an unsaved ${describeClass(v)} cannot be stored (it has no id yet)`);
  }
  const created = ref.created === undefined ? "" : `,"created":${ref.created}`;
  return `{"$t":"ref","kind":${JSON.stringify(ref.kind)},"id":${ref.id}${created}}`;
}

function encodeArray(a: unknown[], stack: object[]): string {
  const n = a.length;
  if (n === 0) {
    stack.pop();
    return "[]";
  }
  let i = 0;
  let out = "[";
  try {
    for (; i < n; i++) out += (i === 0 ? "" : ",") + encode(a[i], stack);
  } catch (err) {
    if (err instanceof EncodeFailure) err.segs.push(`[${i}]`);
    throw err;
  }
  stack.pop();
  return out + "]";
}

function encodePlain(o: Record<string, unknown>, stack: object[]): string {
  const keys = Object.keys(o);
  let escaped = false;
  let key = "";
  let out = "{";
  try {
    for (let i = 0; i < keys.length; i++) {
      key = keys[i]!;
      if (key === TAG) escaped = true;
      out += (i === 0 ? "" : ",") + JSON.stringify(key) + ":" + encode(o[key], stack);
    }
  } catch (err) {
    if (err instanceof EncodeFailure) err.segs.push(propSegment(key));
    throw err;
  }
  stack.pop();
  out += "}";
  return escaped ? `{"$t":"obj","v":${out}}` : out;
}

function encodeMap(m: Map<unknown, unknown>, stack: object[]): string {
  let out = '{"$t":"map","v":[';
  let i = 0;
  let onKey = true;
  let key: unknown;
  try {
    for (const [k, val] of m) {
      key = k;
      onKey = true;
      out += (i === 0 ? "[" : ",[") + encode(k, stack);
      onKey = false;
      out += "," + encode(val, stack) + "]";
      i++;
    }
  } catch (err) {
    if (err instanceof EncodeFailure) err.segs.push(onKey ? `.keys()[${i}]` : `.get(${describeKey(key, i)})`);
    throw err;
  }
  stack.pop();
  return out + "]}";
}

function encodeSet(s: Set<unknown>, stack: object[]): string {
  let out = '{"$t":"set","v":[';
  let i = 0;
  try {
    for (const item of s) {
      out += (i === 0 ? "" : ",") + encode(item, stack);
      i++;
    }
  } catch (err) {
    if (err instanceof EncodeFailure) err.segs.push(`.values()[${i}]`);
    throw err;
  }
  stack.pop();
  return out + "]}";
}

function refusal(v: object): EncodeFailure {
  if (v instanceof Promise) return new EncodeFailure("a Promise cannot be stored (await it first)");
  if (v instanceof WeakMap) return new EncodeFailure("a WeakMap cannot be stored (its entries cannot be listed)");
  if (v instanceof WeakSet) return new EncodeFailure("a WeakSet cannot be stored (its entries cannot be listed)");
  if (v instanceof WeakRef) return new EncodeFailure("a WeakRef cannot be stored");
  return new EncodeFailure(
    `an instance of class ${describeClass(v)} cannot be stored ` +
      "(store plain objects, arrays, Map, Set, Date, bigint or database objects)",
  );
}

function describeClass(v: object): string {
  const proto: unknown = Object.getPrototypeOf(v);
  const ctor: unknown = proto && (proto as { constructor?: unknown }).constructor;
  if (typeof ctor === "function" && ctor.name) return ctor.name;
  return Object.prototype.toString.call(v).slice(8, -1);
}

function propSegment(key: string): string {
  return IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function describeKey(key: unknown, index: number): string {
  switch (typeof key) {
    case "string":
      return JSON.stringify(key.length > 40 ? key.slice(0, 40) + "…" : key);
    case "number":
    case "boolean":
    case "undefined":
      return String(key);
    case "bigint":
      return `${key}n`;
    default:
      if (key === null) return "null";
      if (typeof (key as Partial<Referenceable>)[DB_REF] === "function") {
        const ref = (key as Referenceable)[DB_REF]();
        if (isValidDbRef(ref)) return `<${dbRefKey(ref)}>`;
      }
      return `<key #${index}>`;
  }
}

// ---------------------------------------------------------------------------------------------
// Decoding

/** Parse stored text, turning a syntax error into `EV_ERR_SERIALIZE`. */
function parse(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch (err) {
    throw new EvenniaError("EV_ERR_SERIALIZE", `cannot decode stored value: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/** The reference a `{"$t":"ref"}` object holds (`created` is absent in references stored before it existed). */
function readRef(o: Record<string, unknown>): DbRef {
  const ref = o.created === undefined ? { kind: o.kind, id: o.id } : { kind: o.kind, id: o.id, created: o.created };
  if (!isValidDbRef(ref)) throw malformed("reference");
  return ref;
}

function malformed(what: string): EvenniaError {
  return new EvenniaError("EV_ERR_SERIALIZE", `cannot decode stored value: malformed ${what}`);
}

/**
 * The distinct references inside stored text, so that a loader can fetch those rows
 * (asynchronously) before calling {@link decodeValue}.
 */
export function collectRefs(json: string): DbRef[] {
  if (!json.includes('"$t":"ref"')) return [];
  const found = new Map<string, DbRef>();
  walkRefs(parse(json), found, false);
  return [...found.values()];
}

function walkRefs(v: unknown, found: Map<string, DbRef>, plain: boolean): void {
  if (typeof v !== "object" || v === null) return;
  if (Array.isArray(v)) {
    for (const item of v) walkRefs(item, found, false);
    return;
  }
  const o = v as Record<string, unknown>;
  if (!plain && Object.hasOwn(o, TAG)) {
    switch (o[TAG]) {
      case "ref": {
        found.set(dbRefKey(readRef(o)), readRef(o));
        return;
      }
      case "obj":
        walkRefs(o.v, found, true);
        return;
      case "map":
      case "set":
        walkRefs(o.v, found, false);
        return;
      default:
        return;
    }
  }
  for (const key of Object.keys(o)) walkRefs(o[key], found, false);
}

/**
 * Decode stored text synchronously. References are handed to `resolve`, which returns the live
 * object (usually fetched beforehand through {@link collectRefs}) or null when the row is gone;
 * a reference that resolves to null, or to a row created at another time than the reference
 * says, reads as `null`.
 *
 * @throws EvenniaError `EV_ERR_SERIALIZE` when the text is not valid tagged JSON.
 */
export function decodeValue(json: string, resolve: (ref: DbRef) => object | null): unknown {
  const parsed = parse(json);
  if (typeof parsed !== "object" || parsed === null) return parsed;
  // No tag key anywhere: the parsed value is the value.
  if (!json.includes('"$t"')) return parsed;
  return decode(parsed, resolve);
}

function decode(v: unknown, resolve: (ref: DbRef) => object | null): unknown {
  if (typeof v !== "object" || v === null) return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const item: unknown = v[i];
      if (typeof item === "object" && item !== null) v[i] = decode(item, resolve);
    }
    return v;
  }
  const o = v as Record<string, unknown>;
  if (Object.hasOwn(o, TAG)) return decodeTagged(o, resolve);
  return decodePlain(o, resolve);
}

function decodePlain(o: Record<string, unknown>, resolve: (ref: DbRef) => object | null): Record<string, unknown> {
  for (const key of Object.keys(o)) {
    const item = o[key];
    if (typeof item === "object" && item !== null) o[key] = decode(item, resolve);
  }
  return o;
}

function decodeTagged(o: Record<string, unknown>, resolve: (ref: DbRef) => object | null): unknown {
  const tag = o[TAG];
  const v = o.v;
  switch (tag) {
    case "undef":
      return undefined;
    case "num":
      switch (v) {
        case "NaN":
          return NaN;
        case "Infinity":
          return Infinity;
        case "-Infinity":
          return -Infinity;
        case "-0":
          return -0;
        default:
          throw malformed("number");
      }
    case "bigint":
      if (typeof v !== "string" || !/^-?\d+$/.test(v)) throw malformed("bigint");
      return BigInt(v);
    case "date": {
      if (v === null) return new Date(NaN);
      if (typeof v !== "string") throw malformed("date");
      return new Date(v);
    }
    case "map": {
      if (!Array.isArray(v)) throw malformed("map");
      const m = new Map<unknown, unknown>();
      for (const entry of v) {
        if (!Array.isArray(entry) || entry.length !== 2) throw malformed("map entry");
        m.set(decode(entry[0], resolve), decode(entry[1], resolve));
      }
      return m;
    }
    case "set": {
      if (!Array.isArray(v)) throw malformed("set");
      const s = new Set<unknown>();
      for (const item of v) s.add(decode(item, resolve));
      return s;
    }
    case "ref": {
      const ref = readRef(o);
      const target = resolve(ref);
      // a row created at another time than the one referred to is not it (the referred one is gone)
      return target && refMatches(ref, target) ? target : null;
    }
    case "obj":
      if (typeof v !== "object" || v === null || Array.isArray(v)) throw malformed("escaped object");
      return decodePlain(v as Record<string, unknown>, resolve);
    default:
      throw new EvenniaError("EV_ERR_SERIALIZE", `cannot decode stored value: unknown tag ${JSON.stringify(tag)}`);
  }
}
