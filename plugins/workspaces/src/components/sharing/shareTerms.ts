import { SHARE_MAX_DAYS } from '@desktop-mania/plugin-workspaces-common';

const HOUR = 3_600_000;

/** How long a share lasts, as the dialog offers it. */
export type ShareDuration = '1h' | '8h' | '1d' | '7d' | 'date';

export const SHARE_DURATIONS: Array<{ value: ShareDuration; label: string }> = [
  { value: '1h', label: '1 hour' },
  { value: '8h', label: '8 hours' },
  { value: '1d', label: '1 day' },
  { value: '7d', label: '7 days' },
  { value: 'date', label: 'Until a date…' },
];

const LENGTHS: Record<Exclude<ShareDuration, 'date'>, number> = {
  '1h': HOUR,
  '8h': 8 * HOUR,
  '1d': 24 * HOUR,
  '7d': 7 * 24 * HOUR,
};

/**
 * The share's end as the backend takes it (ISO, UTC), or a one-line reason
 * why the chosen date cannot be one. `date` is a `datetime-local` value,
 * which is the person's own time zone.
 */
export function shareExpiry(
  duration: ShareDuration,
  date: string,
  now = Date.now(),
): { expiresAt: string } | { error: string } {
  if (duration !== 'date') {
    return { expiresAt: new Date(now + LENGTHS[duration]).toISOString() };
  }
  const at = date ? new Date(date).getTime() : NaN;
  if (Number.isNaN(at)) return { error: 'Choose the date the share ends' };
  if (at <= now) return { error: 'The end must be in the future' };
  if (at > now + SHARE_MAX_DAYS * 24 * HOUR) {
    return { error: `A share may last at most ${SHARE_MAX_DAYS} days` };
  }
  return { expiresAt: new Date(at).toISOString() };
}

/** "View only" or "Control", as people read a share's mode. */
export const modeWords = (mode: string) =>
  mode === 'control' ? 'Control' : 'View only';

/**
 * The backend's one-line reason for a refusal: a ResponseError's own
 * message only names the status, its cause carries what the route said.
 */
export function reasonOf(error: unknown): string {
  const e = error as { name?: string; message?: string; cause?: Error };
  if (e?.name === 'ResponseError' && e.cause?.message) return e.cause.message;
  return e?.message ?? String(error);
}
