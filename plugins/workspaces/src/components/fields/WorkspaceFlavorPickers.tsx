import { useEffect, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  FormControl,
  FormHelperText,
  InputLabel,
  MenuItem,
  Select,
  TextField,
} from '@material-ui/core';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import type {
  WorkspaceFlavors,
  WorkspaceImage,
} from '@desktop-mania/plugin-workspaces-common';
import { workspacesApiRef } from '@desktop-mania/plugin-workspaces-react';

function useFlavors() {
  const api = useApi(workspacesApiRef);
  const [flavors, setFlavors] = useState<WorkspaceFlavors>();
  const [error, setError] = useState<Error>();
  useEffect(() => {
    api.getFlavors().then(setFlavors, setError);
  }, [api]);
  return { flavors, error };
}

function Picker(
  props: FieldExtensionComponentProps<string> & {
    options?: Array<{ name: string; title: string }>;
    error?: Error;
    what: string;
    help?: string;
  },
) {
  const {
    formData,
    onChange,
    required,
    rawErrors,
    schema,
    idSchema,
    options,
    error,
    what,
    help,
  } = props;
  const id = idSchema?.$id ?? what;
  return (
    <FormControl
      fullWidth
      required={required}
      error={!!rawErrors?.length || !!error}
      margin="normal"
    >
      <InputLabel id={`${id}-label`}>{schema.title ?? what}</InputLabel>
      <Select
        labelId={`${id}-label`}
        id={id}
        value={formData ?? ''}
        onChange={e => onChange(e.target.value as string)}
        inputProps={{ 'data-testid': `${what}-picker` }}
      >
        {(options ?? []).map(o => (
          <MenuItem key={o.name} value={o.name}>
            {o.title}
          </MenuItem>
        ))}
      </Select>
      <FormHelperText>
        {error
          ? `Could not load what can be ordered: ${error.message}`
          : help ?? schema.description}
      </FormHelperText>
    </FormControl>
  );
}

/** Lists the images the backend serves, for one operating system (`ui:options.os`). */
export function WorkspaceFlavorPicker(
  props: FieldExtensionComponentProps<string, { os?: 'linux' | 'windows' }>,
) {
  const { flavors, error } = useFlavors();
  const os = props.uiSchema?.['ui:options']?.os;
  const options = flavors?.images.filter(i => !os || i.os === os);
  return (
    <Picker {...(props as any)} options={options} error={error} what="image" />
  );
}

/**
 * The image chosen elsewhere in the same template. The scaffolder hands every
 * field the whole form's data, so a size or disk can follow the image.
 */
function useChosenImage(
  props: FieldExtensionComponentProps<any, any>,
  flavors: WorkspaceFlavors | undefined,
): WorkspaceImage | undefined {
  const field = props.uiSchema?.['ui:options']?.imageField ?? 'image';
  const chosen = (props.formContext as any)?.formData?.[field];
  return flavors?.images.find(i => i.name === chosen);
}

/** What an image asks of a size, for the helper text. */
function needs(image: WorkspaceImage): string | undefined {
  const { cpu, memory } = image.minimum ?? {};
  const parts = [cpu && `${cpu} vCPU`, memory].filter(Boolean);
  return parts.length ? parts.join(' and ') : undefined;
}

/**
 * Lists the sizes the backend serves; once an image is chosen, only those
 * the image runs in, so that no order is refused for its size.
 */
export function WorkspaceSizePicker(
  props: FieldExtensionComponentProps<string, { imageField?: string }>,
) {
  const { flavors, error } = useFlavors();
  const image = useChosenImage(props, flavors);
  const options = image
    ? flavors?.sizes.filter(s => image.sizes.includes(s.name))
    : flavors?.sizes;
  const { formData, onChange } = props;
  useEffect(() => {
    // A size picked for another image may not fit this one.
    if (image && formData && !image.sizes.includes(formData)) {
      onChange(undefined as unknown as string);
    }
  }, [image, formData, onChange]);
  const minimum = image && needs(image);
  return (
    <Picker
      {...(props as any)}
      options={options}
      error={error}
      what="size"
      help={
        minimum
          ? `${
              image!.title
            } needs at least ${minimum}; only sizes that have it are listed.`
          : undefined
      }
    />
  );
}

/**
 * The disk in GiB, within what the chosen image allows: never smaller than
 * the image itself, which the cluster cannot clone into a smaller disk.
 */
export function WorkspaceDiskPicker(
  props: FieldExtensionComponentProps<number, { imageField?: string }>,
) {
  const { flavors, error } = useFlavors();
  const image = useChosenImage(props, flavors);
  const range = image?.diskGi ?? flavors?.limits.diskGi;
  const { formData, onChange, schema, required, rawErrors, idSchema } = props;
  useEffect(() => {
    if (!range) return;
    // Start at the image's default, and raise a disk picked for a smaller one.
    if (formData === undefined || formData < range.min) onChange(range.default);
  }, [range, formData, onChange]);
  const outOfRange =
    range !== undefined &&
    formData !== undefined &&
    (formData < range.min || formData > range.max);
  let help = schema.description;
  if (error) help = `Could not load what can be ordered: ${error.message}`;
  else if (range) {
    help = `Between ${range.min} and ${range.max} GiB${
      image?.minimum?.diskGi === range.min
        ? `; ${image.title} itself takes ${range.min} GiB`
        : ''
    }.`;
  }
  return (
    <TextField
      id={idSchema?.$id ?? 'diskGi'}
      label={schema.title ?? 'Disk (GiB)'}
      type="number"
      fullWidth
      margin="normal"
      required={required}
      value={formData ?? ''}
      onChange={e =>
        onChange(e.target.value === '' ? undefined! : Number(e.target.value))
      }
      inputProps={{
        min: range?.min,
        max: range?.max,
        'data-testid': 'disk-picker',
      }}
      error={!!rawErrors?.length || !!error || outOfRange}
      helperText={help}
    />
  );
}
