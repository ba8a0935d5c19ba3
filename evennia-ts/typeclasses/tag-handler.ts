/**
 * Tags, aliases and permissions: short strings with an optional category attached
 * to an object, stored in one table with a kind column. Keys are case-insensitive.
 */
import type { TagKind } from "../db/entities/rows.ts";
import { TagTable } from "../db/entities/schemas.ts";
import type { UnitOfWork } from "../db/unit-of-work.ts";
import { deleteWhere, upsert } from "../db/writes.ts";
import { noteNameChange } from "./change-epochs.ts";
import type { TypedObject } from "./typed-object.ts";

/** A tag as listed by {@link TagHandler.all}. */
export interface TagInfo {
  key: string;
  category: string;
}

const SEP = "\u0000";

/** The columns that identify one tag (its unique constraint). */
const TAG_KEY = ["owner_kind", "owner_id", "key", "category", "kind"] as const;
/** Adding a tag: a row already there is left as it is. */
const TAG_INSERT = { columns: TAG_KEY, conflictKey: TAG_KEY, update: [] } as const;

/** The tags of one kind on one object. */
export class TagHandler {
  /** The tags by key and category; made with the first tag (most objects have no aliases, and many no tags). */
  private entries: Map<string, TagInfo> | null = null;
  private changes = 0;

  constructor(
    private readonly owner: TypedObject,
    readonly tagKind: TagKind,
  ) {}

  /** Add a tag (no-op when present). */
  add(key: string, category?: string): void {
    const tag = norm(key, category);
    if (!tag.key) return;
    const id = tag.key + SEP + tag.category;
    const entries = (this.entries ??= new Map());
    if (entries.has(id)) return;
    entries.set(id, tag);
    this.changed();
    const uow = this.owner._store.unitOfWork();
    uow.recordUndo(() => {
      this.entries?.delete(id);
      this.changed();
    });
    this.stageWrite(tag);
  }

  /** Remove a tag; returns whether it was there. */
  remove(key: string, category?: string): boolean {
    const tag = norm(key, category);
    const id = tag.key + SEP + tag.category;
    const entries = this.entries;
    if (!entries?.delete(id)) return false;
    this.changed();
    this.owner._store.unitOfWork().recordUndo(() => {
      (this.entries ??= new Map()).set(id, tag);
      this.changed();
    });
    this.stageWrite(tag);
    return true;
  }

  /** True when the tag is there (any category when `category` is undefined). */
  has(key: string, category?: string): boolean {
    const entries = this.entries;
    if (!entries) return false;
    const k = String(key).trim().toLowerCase();
    if (category === undefined) {
      for (const tag of entries.values()) if (tag.key === k) return true;
      return false;
    }
    return entries.has(k + SEP + norm(k, category).category);
  }

  /** True when `test` accepts the key of any tag (of any category); nothing is copied (searches ask this of every candidate). */
  someKey(test: (key: string) => boolean): boolean {
    if (this.entries) for (const tag of this.entries.values()) if (test(tag.key)) return true;
    return false;
  }

  /** Keys of the tags (of one category, when given). */
  get(category?: string): string[] {
    return this.all(category).map((t) => t.key);
  }

  /** Every tag (of one category, when given). */
  all(category?: string): TagInfo[] {
    if (!this.entries) return [];
    const c = category === undefined ? undefined : norm("x", category).category;
    return [...this.entries.values()].filter((t) => c === undefined || t.category === c);
  }

  /** Remove every tag (of one category, when given). */
  clear(category?: string): void {
    for (const tag of this.all(category)) this.remove(tag.key, tag.category);
  }

  /** @internal fill from loaded rows */
  _load(tags: TagInfo[]): void {
    this.entries = tags.length ? new Map(tags.map((t) => [t.key + SEP + t.category, { key: t.key, category: t.category }])) : null;
    this.changed();
  }

  /** Grows with every change (also when one is undone): caches built from the tags compare it. */
  get version(): number {
    return this.changes;
  }

  private changed(): void {
    this.changes++;
    if (this.tagKind === "alias") noteNameChange();
  }

  /** Stage writing the tag as memory has it at commit time (present or not), so the last commit writes what memory holds. */
  private stageWrite(tag: TagInfo, uow: UnitOfWork = this.owner._store.unitOfWork()): void {
    const owner = this.owner;
    const kind = this.tagKind;
    const id = tag.key + SEP + tag.category;
    owner._store.markUncommitted(owner, uow);
    const build = () => {
      if (owner.isDeleted) return [];
      const values = [owner.kind, owner.id, tag.key, tag.category, kind];
      return [this.entries?.has(id) ? upsert(TagTable, TAG_INSERT, values) : deleteWhere(TagTable, TAG_KEY, values)];
    };
    // category and key quoted: a `:` in either cannot make two tags share one staging key
    uow.stage(`tag:${owner.kind}:${owner.id}:${kind}:${JSON.stringify([tag.category, tag.key])}`, build, (again) => this.stageWrite(tag, again));
  }
}

function norm(key: string, category?: string): TagInfo {
  return { key: String(key).trim().toLowerCase(), category: category ? String(category).trim().toLowerCase() : "" };
}
