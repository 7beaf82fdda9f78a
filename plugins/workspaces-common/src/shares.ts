import { InputError } from '@backstage/errors';

/**
 * How a grantee may use a shared desktop: watch its screen, or also type
 * and point in it.
 * @public
 */
export type ShareMode = 'view' | 'control';

/** One person's or group's access to someone else's desktop. @public */
export interface WorkspaceShare {
  workspace: string;
  /** Full entity ref, `user:ns/name` or `group:ns/name`. */
  grantee: string;
  mode: ShareMode;
  /** ISO 8601; the share ends then. */
  expiresAt: string;
  grantedBy: string;
  grantedAt: string;
}

/** Body of `PUT /workspaces/:name/shares/:grantee`. @public */
export interface ShareRequest {
  mode: ShareMode;
  expiresAt: string;
}

/** What the caller may do with a desktop, as the backend decided it. @public */
export type WorkspaceAccess = 'manage' | 'control' | 'view';

/** The longest a share may run. @public */
export const SHARE_MAX_DAYS = 30;

const DAY_MS = 24 * 3600_000;
// An ISO 8601 instant with a zone, so browsers and servers agree on it.
const ISO_INSTANT =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Checks a share request: a known mode and an end in the future, at most
 * {@link SHARE_MAX_DAYS} days ahead. Refusals are one-line InputErrors
 * naming the field.
 * @public
 */
export function parseShareRequest(
  body: unknown,
  now: Date = new Date(),
): ShareRequest {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new InputError(
      'The share must be a JSON object with mode and expiresAt',
    );
  }
  const { mode, expiresAt } = body as Record<string, unknown>;
  if (mode !== 'view' && mode !== 'control') {
    throw new InputError(`mode: expected 'view' or 'control'`);
  }
  if (typeof expiresAt !== 'string' || !ISO_INSTANT.test(expiresAt)) {
    throw new InputError(
      'expiresAt: expected an ISO 8601 time with a zone, e.g. 2026-12-01T17:00:00Z',
    );
  }
  const at = new Date(expiresAt);
  if (Number.isNaN(at.getTime())) {
    throw new InputError(`expiresAt: '${expiresAt}' is not a real time`);
  }
  if (at.getTime() <= now.getTime()) {
    throw new InputError('expiresAt: must be in the future');
  }
  if (at.getTime() > now.getTime() + SHARE_MAX_DAYS * DAY_MS) {
    throw new InputError(
      `expiresAt: a share may last at most ${SHARE_MAX_DAYS} days`,
    );
  }
  return { mode, expiresAt: at.toISOString() };
}

/**
 * A grantee as the path spells it: a full `user:` or `group:` entity ref,
 * lower-cased as Backstage compares refs. Undefined when it is not one.
 * @public
 */
export function normalizeGrantee(ref: string): string | undefined {
  const match =
    /^(user|group):([a-z0-9][-a-z0-9_.]*)\/([a-z0-9][-a-z0-9_.]*)$/i.exec(
      ref.trim(),
    );
  if (!match || match[0].length > 255) return undefined;
  return `${match[1]}:${match[2]}/${match[3]}`.toLocaleLowerCase('en-US');
}
