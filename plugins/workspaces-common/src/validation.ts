import { z } from 'zod';

/** DNS-1123 label: what Kubernetes accepts as an object name. @public */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The body of `POST /workspaces`. Shared by the backend, the scaffolder
 * actions and the frontend so that all of them refuse the same input.
 * @public
 */
export const createWorkspaceRequestSchema = z
  .object({
    name: z
      .string()
      .min(1, 'name is required')
      .max(40, 'name must be at most 40 characters')
      .regex(
        DNS1123_LABEL,
        'name must be lowercase letters, digits and dashes, starting and ending with a letter or digit',
      ),
    image: z.string().min(1, 'image is required'),
    size: z.string().min(1, 'size is required'),
    diskGi: z.number().int('diskGi must be a whole number').optional(),
    lifetimeHours: z
      .number()
      .int('lifetimeHours must be a whole number')
      .optional(),
    owner: z.string().min(1).optional(),
    cluster: z.string().min(1).optional(),
    system: z.string().min(1).optional(),
    template: z.string().min(1).optional(),
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
        return `unknown field(s): ${issue.keys.join(', ')}`;
      }
      return field ? `${field}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
