import { ServiceUnavailableError } from '@backstage/errors';

/**
 * The one deadline of a conformance run. Every wait takes what is left of
 * it (or less), so a stuck cluster fails the run in bounded time instead of
 * hanging it.
 */
export class Budget {
  private readonly deadline: number;

  constructor(readonly totalMs: number, now = Date.now()) {
    this.deadline = now + totalMs;
  }

  remainingMs() {
    return Math.max(0, this.deadline - Date.now());
  }

  /** At most `capMs`, and never past the deadline. */
  upTo(capMs: number) {
    return Math.min(capMs, this.remainingMs());
  }
}

/** A cluster that did not answer this time, and may the next. */
function isTransient(error: unknown) {
  if (error instanceof ServiceUnavailableError) return true;
  const { code, name } = error as { code?: unknown; name?: string };
  // client-node's ApiException carries the HTTP status as `code`.
  if (typeof code === 'number' && code >= 500) return true;
  return name === 'FetchError' || name === 'AbortError';
}

export const sleep = (ms: number) =>
  new Promise<void>(resolve => setTimeout(resolve, ms));

/**
 * Polls `probe` until it returns a value. The probe says what it saw with
 * `note`, which the timeout error repeats: "waited 300 s for X; last seen: Y"
 * tells an operator where the cluster stopped. A cluster that is briefly
 * unreachable is polled again; any other error ends the wait.
 */
export async function waitFor<T>(
  what: string,
  probe: (note: (seen: string) => void) => Promise<T | undefined>,
  { timeoutMs, intervalMs = 3000 }: { timeoutMs: number; intervalMs?: number },
): Promise<T> {
  const started = Date.now();
  let seen = 'nothing yet';
  const note = (s: string) => {
    seen = s;
  };
  for (;;) {
    try {
      const value = await probe(note);
      if (value !== undefined) return value;
    } catch (error) {
      if (!isTransient(error)) throw error;
      seen = (error as Error).message;
    }
    const elapsed = Date.now() - started;
    if (elapsed >= timeoutMs) {
      throw new Error(
        `Waited ${Math.round(
          elapsed / 1000,
        )} s for ${what}; last seen: ${seen}`,
      );
    }
    await sleep(Math.min(intervalMs, timeoutMs - elapsed));
  }
}
