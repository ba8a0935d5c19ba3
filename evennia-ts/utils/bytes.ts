/** Byte counts for people to read. */

/** `bytes` in MiB with `digits` decimals: `12.3 MiB`. */
export function formatMiB(bytes: number, digits = 1): string {
  return `${(bytes / 1048576).toFixed(digits)} MiB`;
}
