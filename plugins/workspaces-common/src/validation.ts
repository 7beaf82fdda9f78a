import { z } from 'zod';

/** DNS-1123 label: what Kubernetes accepts as an object name. @public */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The longest desktop name; it names a VM, a Service and a DNS record. @public */
export const WORKSPACE_NAME_MAX_LENGTH = 40;

/** {@link DNS1123_LABEL} in words, for every message that states the rule. */
const NAME_SHAPE =
  'lowercase letters, digits and dashes, starting and ending with a letter or digit';

/**
 * The desktop name rule in words, for forms: the same rule
 * {@link createWorkspaceRequestSchema} enforces, so no form shows a regex.
 * @public
 */
export function describeWorkspaceNameRule(): string {
  return `${NAME_SHAPE[0].toLocaleUpperCase('en-US')}${NAME_SHAPE.slice(
    1,
  )}; at most ${WORKSPACE_NAME_MAX_LENGTH} characters`;
}

/**
 * A name from the offer (image, size, cluster): what config names look like.
 * Anything else is refused before the message that echoes it is built.
 */
const OFFER_NAME = /^[A-Za-z0-9]([-_.A-Za-z0-9]*[A-Za-z0-9])?$/;

/** `[kind:][namespace/]name` with the characters the catalog allows. */
const ENTITY_REF =
  /^([A-Za-z][A-Za-z0-9]*:)?([A-Za-z0-9]([-_.A-Za-z0-9]*[A-Za-z0-9])?\/)?[A-Za-z0-9]([-_.A-Za-z0-9]*[A-Za-z0-9])?$/;

/**
 * A free-text field with a length limit and a character set; the length is
 * checked first and stops the rest, so a huge value gets one short message.
 */
function limited(field: string, max: number, pattern: RegExp, shape: string) {
  return z
    .string()
    .min(1, `${field} must not be empty`)
    .max(max, {
      message: `${field} must be at most ${max} characters`,
      abort: true,
    })
    .regex(pattern, `${field} must be ${shape}`);
}

const offerName = (field: string) =>
  limited(
    field,
    63,
    OFFER_NAME,
    "a name from the offer: letters, digits, '-', '_' and '.'",
  );

/** An entity ref, optionally of one kind only; the kind compares without case. */
const entityRef = (field: string, kind?: string) =>
  limited(
    field,
    255,
    ENTITY_REF,
    `an entity ref such as '${
      kind ?? 'user'
    }:default/name' (letters, digits, '-', '_' and '.')`,
  ).refine(
    ref =>
      !kind ||
      !ref.includes(':') ||
      ref.split(':')[0].toLocaleLowerCase('en-US') === kind,
    `${field} must refer to a ${kind}`,
  );

/**
 * The body of `POST /workspaces`. Shared by the backend, the scaffolder
 * actions and the frontend so that all of them refuse the same input. Every
 * string is bounded and limited to the characters its kind of value uses, so
 * markup or a huge value is refused with a message naming the field.
 * @public
 */
export const createWorkspaceRequestSchema = z
  .object({
    name: z
      .string()
      .min(1, 'name is required')
      .max(WORKSPACE_NAME_MAX_LENGTH, {
        message: `name must be at most ${WORKSPACE_NAME_MAX_LENGTH} characters`,
        abort: true,
      })
      .regex(DNS1123_LABEL, `name must be ${NAME_SHAPE}`),
    image: offerName('image'),
    size: offerName('size'),
    diskGi: z.number().int('diskGi must be a whole number').optional(),
    lifetimeHours: z
      .number()
      .int('lifetimeHours must be a whole number')
      .optional(),
    owner: entityRef('owner').optional(),
    cluster: offerName('cluster').optional(),
    system: entityRef('system', 'system').optional(),
    template: entityRef('template', 'template').optional(),
  })
  .strict();

/**
 * Turns a zod error into one sentence naming the offending field.
 * @public
 */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map(issue => {
      const field = issue.path.join('.');
      if (issue.code === 'unrecognized_keys') {
        // Field names come from the caller: a few, shortened, keep it one line.
        const keys = issue.keys
          .slice(0, 5)
          .map(key => JSON.stringify(key.slice(0, 40)).slice(1, -1));
        const more = issue.keys.length > 5 ? ', …' : '';
        return `unknown field(s): ${keys.join(', ')}${more}`;
      }
      return field ? `${field}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
