import { useEffect } from 'react';
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
  WorkspaceOs,
} from '@desktop-mania/plugin-workspaces-common';
import { describeMemory, imagesFor, unavailable, useFlavors } from './offer';

/**
 * A select of what the backend offers, with the reason when it offers
 * nothing. Its helper line is the one place the field's problem is told:
 * the templates set `hideError`, so the scaffolder adds no second line.
 */
export function Picker(
  props: FieldExtensionComponentProps<string> & {
    options?: Array<{ name: string; title: string }>;
    error?: Error;
    what: string;
    help?: string;
    /** Why nothing can be chosen: shown as an error, with the list disabled. */
    blocked?: string;
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
    blocked,
  } = props;
  const id = idSchema?.$id ?? what;
  // The scaffolder says an empty field "must have required property".
  const problem =
    rawErrors?.length && !formData
      ? `Choose ${/^[aeiou]/.test(what) ? 'an' : 'a'} ${what}.`
      : rawErrors?.[0];
  return (
    <FormControl
      fullWidth
      required={required}
      error={!!rawErrors?.length || !!error || !!blocked}
      disabled={!!blocked}
      margin="normal"
    >
      <InputLabel id={`${id}-label`}>{schema.title ?? what}</InputLabel>
      <Select
        labelId={`${id}-label`}
        id={id}
        value={formData ?? ''}
        onChange={e => onChange(e.target.value as string)}
        // No native `required`: the browser's bubble would stop Next before
        // the form could say what is missing.
        inputProps={{ required: false, 'data-testid': `${what}-picker` }}
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
          : blocked ?? problem ?? help ?? schema.description}
      </FormHelperText>
    </FormControl>
  );
}

/**
 * Lists the images of one operating system (`ui:options.os`) that the chosen
 * cluster runs; when there are none, says why instead of offering nothing.
 */
export function WorkspaceFlavorPicker(
  props: FieldExtensionComponentProps<string, { os?: WorkspaceOs }>,
) {
  const { flavors, error } = useFlavors();
  const os = props.uiSchema?.['ui:options']?.os;
  const formData = (props.formContext as any)?.formData;
  const options = flavors && imagesFor(flavors, os, formData);
  const blocked = flavors && unavailable(flavors, os, formData);
  const { formData: chosen, onChange } = props;
  useEffect(() => {
    // An image picked for another cluster may not run on this one.
    if (options && chosen && !options.some(i => i.name === chosen)) {
      onChange(undefined as unknown as string);
    }
  }, [options, chosen, onChange]);
  return (
    <Picker
      {...(props as any)}
      options={options}
      error={error}
      what="image"
      blocked={blocked}
    />
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
  const parts = [cpu && `${cpu} vCPU`, memory && describeMemory(memory)].filter(
    Boolean,
  );
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
