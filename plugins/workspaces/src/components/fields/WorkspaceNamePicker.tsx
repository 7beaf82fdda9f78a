import { TextField } from '@material-ui/core';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import {
  createWorkspaceRequestSchema,
  describeWorkspaceNameRule,
  WORKSPACE_NAME_MAX_LENGTH,
} from '@desktop-mania/plugin-workspaces-common';

/**
 * Why a desktop name is refused, in words, or undefined when it is fine: the
 * backend's own rule, so the form refuses exactly what the backend would.
 */
export function nameProblem(name: string | undefined): string | undefined {
  const parsed = createWorkspaceRequestSchema.shape.name.safeParse(name ?? '');
  if (parsed.success) return undefined;
  const message = parsed.error.issues[0].message.replace(/^name /, '');
  return `The name ${message}.`;
}

/** The desktop's name, with the name rule in words rather than a pattern. */
export function WorkspaceNamePicker(
  props: FieldExtensionComponentProps<string>,
) {
  const { formData, onChange, required, rawErrors, schema, idSchema } = props;
  // Say what is wrong while typing, but not before anything was typed.
  const problem = formData ? nameProblem(formData) : undefined;
  return (
    <TextField
      id={idSchema?.$id ?? 'name'}
      label={schema.title ?? 'Name'}
      fullWidth
      margin="normal"
      required={required}
      value={formData ?? ''}
      onChange={e => onChange(e.target.value || (undefined as any))}
      inputProps={{
        maxLength: WORKSPACE_NAME_MAX_LENGTH,
        'data-testid': 'name-picker',
      }}
      error={!!rawErrors?.length || !!problem}
      helperText={problem ?? `${describeWorkspaceNameRule()}.`}
    />
  );
}
