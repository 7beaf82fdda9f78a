const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * When a desktop stops for good, the way people say it: "in 35 min",
 * "in 4 h", "in 3 days". An absolute time makes everyone do the sum.
 */
export function expiresIn(expiresAt: string | undefined, now = Date.now()) {
  if (!expiresAt) return 'never';
  const left = new Date(expiresAt).getTime() - now;
  if (Number.isNaN(left)) return '—';
  if (left <= 0) return 'expired';
  if (left < HOUR) return `in ${Math.max(1, Math.round(left / MINUTE))} min`;
  if (left < 2 * DAY) return `in ${Math.round(left / HOUR)} h`;
  return `in ${Math.round(left / DAY)} days`;
}
