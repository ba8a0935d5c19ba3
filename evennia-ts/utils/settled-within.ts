/**
 * Waiting a bounded time for work still running: a service that stops (a reload, a
 * shutdown) waits for what it started, so that its writes are done before the next
 * start, but one piece of work that awaits what never comes must not hold it up for ever.
 */

/** Wait until every promise of `calls` has settled, `ms` at most. Resolves true when they all did, false when some still run then. */
export async function settledWithin(calls: readonly Promise<unknown>[], ms: number): Promise<boolean> {
  if (calls.length === 0) return true;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref?.();
  });
  const ended = await Promise.race([Promise.allSettled(calls).then(() => true), timeout]);
  clearTimeout(timer);
  return ended;
}
