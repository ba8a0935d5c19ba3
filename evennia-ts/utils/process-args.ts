/**
 * Reading `--name value` from a process's command line (the portal and server entry
 * points take `--game <dir>`).
 */

/** The value after `name` in `argv`, or undefined when absent. */
export function argValue(name: string, argv: readonly string[] = process.argv): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}
