import { useEffect } from 'react';
import {
  FormControl,
  FormHelperText,
  InputLabel,
  MenuItem,
  Select,
} from '@material-ui/core';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { atQuota, quotaLine, useOrdering, useOwnerNames } from './owners';

/**
 * The owner of the new desktop, among those the backend lets the caller
 * order for (themselves first, then their groups), each with how many
 * desktops it holds of the quota, so a full quota shows before ordering.
 *
 * Its helper line is the one place the field's problem is told: the
 * template sets `hideError`, so the scaffolder adds no second line below.
 */
export function WorkspaceOwnerPicker(
  props: FieldExtensionComponentProps<string>,
) {
  const { formData, onChange, required, rawErrors, schema, idSchema } = props;
  const { ordering, error } = useOrdering();
  const owners = ordering?.owners;
  const nameOf = useOwnerNames(owners?.map(o => o.owner));
  useEffect(() => {
    // Oneself is the usual owner, and an owner the caller may not use is no choice.
    if (owners?.length && !owners.some(o => o.owner === formData)) {
      onChange(owners[0].owner);
    }
  }, [owners, formData, onChange]);
  const chosen = owners?.find(o => o.owner === formData);
  const full = !!chosen && atQuota(chosen);
  let help = schema.description;
  if (error) help = `Could not load whom you may order for: ${error.message}`;
  else if (owners && !owners.length)
    help = 'You may not order desktops for anyone.';
  else if (rawErrors?.length) help = rawErrors[0];
  else if (chosen) help = quotaLine(chosen, nameOf(chosen.owner));
  const id = idSchema?.$id ?? 'owner';
  return (
    <FormControl
      fullWidth
      required={required}
      error={!!rawErrors?.length || !!error || full}
      margin="normal"
    >
      <InputLabel id={`${id}-label`}>{schema.title ?? 'Owner'}</InputLabel>
      <Select
        labelId={`${id}-label`}
        id={id}
        value={chosen ? formData : ''}
        onChange={e => onChange(e.target.value as string)}
        inputProps={{ 'data-testid': 'owner-picker' }}
      >
        {(owners ?? []).map((o, i) => (
          <MenuItem key={o.owner} value={o.owner}>
            {nameOf(o.owner)}
            {i === 0 ? ' (you)' : ''} · {o.held} of {o.max}
          </MenuItem>
        ))}
      </Select>
      <FormHelperText data-testid="owner-quota">{help}</FormHelperText>
    </FormControl>
  );
}
