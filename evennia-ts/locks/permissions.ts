/**
 * The permission hierarchy: Guest < Player < Helper < Builder < Admin < Developer.
 * Holding a permission grants every one below it.
 */

/** Permissions in ascending order of power. */
export const PERMISSION_HIERARCHY = ["guest", "player", "helper", "builder", "admin", "developer"] as const;

/** Something that has permissions. */
export interface PermissionHolder {
  isSuperuser?: boolean;
  permissions: { has(key: string): boolean; get(): string[] };
}

/** Rank of a permission in the hierarchy, or -1 when it is not a hierarchy permission. */
export function permissionRank(perm: string): number {
  return (PERMISSION_HIERARCHY as readonly string[]).indexOf(perm.trim().toLowerCase().replace(/s$/, ""));
}

/**
 * True when `holder` has `perm`, directly or through a higher permission in the
 * hierarchy. Superusers pass every check.
 */
export function hasPermission(holder: PermissionHolder | null | undefined, perm: string): boolean {
  if (!holder) return false;
  if (holder.isSuperuser) return true;
  const wanted = perm.trim().toLowerCase();
  if (holder.permissions.has(wanted)) return true;
  const rank = permissionRank(wanted);
  if (rank < 0) return false;
  return holder.permissions.get().some((p) => permissionRank(p) >= rank);
}
