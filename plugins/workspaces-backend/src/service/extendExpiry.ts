import { InputError } from '@backstage/errors';
import type { WorkspaceRecord } from '../database/WorkspaceStore';

const HOUR = 3600_000;

/** The longest lifetime, the way people say it: "30 days", "36 hours". */
function lifetimeText(hours: number) {
  if (hours % 24 === 0) return hours === 24 ? '1 day' : `${hours / 24} days`;
  return hours === 1 ? '1 hour' : `${hours} hours`;
}

/** 2026-12-29 10:00 UTC: the same for everyone, whatever their time zone. */
export function utcMinute(date: Date) {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * When a desktop expires after `body.hours` more. Extensions count from its
 * current expiry, or from now when that has passed, so a desktop stopped at
 * expiry gets the whole extension; none reaches past the longest lifetime
 * after the order, so an extension cannot keep a desktop forever.
 */
export function extendedExpiry(
  record: Pick<WorkspaceRecord, 'name' | 'createdAt' | 'expiresAt'>,
  body: unknown,
  maxLifetimeHours: number,
  now = new Date(),
): Date {
  const hours = (body as { hours?: unknown } | undefined)?.hours;
  if (typeof hours !== 'number' || !Number.isFinite(hours) || hours <= 0) {
    throw new InputError('hours: expected a number of hours greater than 0');
  }
  if (!record.expiresAt) {
    throw new InputError(`The desktop '${record.name}' never expires`);
  }
  const limit = new Date(record.createdAt.getTime() + maxLifetimeHours * HOUR);
  const from = Math.max(record.expiresAt.getTime(), now.getTime());
  const until = new Date(from + Math.round(hours * HOUR));
  if (until > limit) {
    throw new InputError(
      `Cannot extend past ${lifetimeText(
        maxLifetimeHours,
      )} after the order (${utcMinute(limit)})`,
    );
  }
  return until;
}
