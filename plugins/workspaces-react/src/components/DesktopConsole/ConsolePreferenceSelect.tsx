import {
  FormControl,
  FormHelperText,
  InputLabel,
  MenuItem,
  Select,
} from '@material-ui/core';

/** One choice of a console preference, as its menu shows it. */
export interface ConsolePreferenceChoice<T extends string> {
  id: T;
  title: string;
  /** When to choose it, shown as the choice's tooltip. */
  description?: string;
}

/**
 * A console preference as a labelled select over its fixed choices. The
 * caller holds the value (from `useConsolePreference`), since the console
 * acts on it. `id` names the label for screen readers and is the test id
 * of the input that carries the value.
 */
export function ConsolePreferenceSelect<T extends string>(props: {
  id: string;
  label: string;
  choices: readonly ConsolePreferenceChoice<T>[];
  value: T;
  onChange(value: T): void;
  disabled?: boolean;
  helperText?: string;
  error?: boolean;
  className?: string;
}) {
  const { id, label, choices, value, onChange } = props;
  const labelId = `${id}-label`;
  return (
    <FormControl
      className={props.className}
      size="small"
      variant="outlined"
      disabled={props.disabled}
      error={props.error}
      title={choices.find(c => c.id === value)?.description}
    >
      <InputLabel id={labelId}>{label}</InputLabel>
      <Select
        labelId={labelId}
        label={label}
        value={value}
        onChange={e => {
          const chosen = choices.find(c => c.id === e.target.value);
          if (chosen) onChange(chosen.id);
        }}
        inputProps={{ 'data-testid': id }}
        // With the button's own id, MUI names it by the label and then the
        // shown choice, so a screen reader says both.
        SelectDisplayProps={{ id: `${id}-button` }}
        // In full screen only the full-screen element shows, so the menu
        // opens inside it rather than at the page's end.
        MenuProps={{ container: () => document.fullscreenElement }}
      >
        {choices.map(c => (
          <MenuItem key={c.id} value={c.id} title={c.description}>
            {c.title}
          </MenuItem>
        ))}
      </Select>
      {props.helperText && <FormHelperText>{props.helperText}</FormHelperText>}
    </FormControl>
  );
}
