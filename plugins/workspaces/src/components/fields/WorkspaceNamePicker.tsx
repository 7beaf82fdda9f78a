import { useEffect } from 'react';
import { TextField } from '@material-ui/core';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import {
  createWorkspaceRequestSchema,
  describeWorkspaceNameRule,
  WORKSPACE_NAME_MAX_LENGTH,
} from '@desktop-mania/plugin-workspaces-common';

/** What the form says when Next is pressed with no name. */
export const NAME_MISSING = 'Enter a name for the desktop.';

/**
 * Why a desktop name is refused, in words, or undefined when it is fine: the
 * backend's own rule, so the form refuses exactly what the backend would.
 */
export function nameProblem(name: string | undefined): string | undefined {
  if (!name) return NAME_MISSING;
  if (name.length > WORKSPACE_NAME_MAX_LENGTH) {
    return `The name must be at most ${WORKSPACE_NAME_MAX_LENGTH} characters; it has ${name.length}.`;
  }
  const parsed = createWorkspaceRequestSchema.shape.name.safeParse(name);
  if (parsed.success) return undefined;
  const message = parsed.error.issues[0].message.replace(/^name /, '');
  return `The name ${message}.`;
}

/**
 * The desktop's name, with the name rule in words rather than a pattern.
 *
 * The value is '' rather than absent while empty, so that the template's
 * `minLength` (not `required`, which the scaffolder words as "must have
 * required property") refuses it with the template's own message; and the
 * input carries no `required` attribute, whose browser bubble would stop
 * Next before the form could say anything.
 */
export function WorkspaceNamePicker(
  props: FieldExtensionComponentProps<string>,
) {
  const { formData, onChange, required, rawErrors, schema, idSchema } = props;
  useEffect(() => {
    if (formData === undefined) onChange('');
  }, [formData, onChange]);
  // Say what is wrong while typing, but not before anything was typed; an
  // overlong name stays as typed, so the person sees what is cut, and why.
  const problem = formData ? nameProblem(formData) : rawErrors?.[0];
  return (
    <TextField
      id={idSchema?.$id ?? 'name'}
      label={schema.title ?? 'Name'}
      fullWidth
      margin="normal"
      required={required}
      value={formData ?? ''}
      onChange={e => onChange(e.target.value)}
      inputProps={{
        required: false,
        'aria-required': required,
        'data-testid': 'name-picker',
      }}
      error={!!problem}
      helperText={problem ?? `${describeWorkspaceNameRule()}.`}
    />
  );
}
