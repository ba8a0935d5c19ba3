/** Whether a process runs, by its pid (the CLI's pid files, the portal's stale link sockets). */

/** True when a process with this pid exists (including one we may not signal). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
