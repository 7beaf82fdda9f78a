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

/** The extensions offered, the way people ask for them. */
export const EXTENSIONS = [
  { label: '+4 h', hours: 4 },
  { label: '+1 day', hours: 24 },
  { label: '+7 days', hours: 24 * 7 },
] as const;

/**
 * Why a desktop cannot get `hours` more, or undefined when it can. Mirrors
 * the backend's rule: extensions count from the expiry (or now, once it
 * passed) and stop at the longest lifetime after the order.
 */
export function extensionBlockedBy(
  workspace: { createdAt: string; expiresAt?: string },
  hours: number,
  maxLifetimeHours: number,
  now = Date.now(),
): string | undefined {
  if (!workspace.expiresAt) return 'The desktop never expires';
  const limit =
    new Date(workspace.createdAt).getTime() + maxLifetimeHours * HOUR;
  const from = Math.max(new Date(workspace.expiresAt).getTime(), now);
  if (from + hours * HOUR <= limit) return undefined;
  const days = maxLifetimeHours / 24;
  const longest = Number.isInteger(days)
    ? `${days} ${days === 1 ? 'day' : 'days'}`
    : `${maxLifetimeHours} h`;
  return `Desktops live at most ${longest} after the order; this one must go by ${new Date(
    limit,
  ).toLocaleString()}`;
}
