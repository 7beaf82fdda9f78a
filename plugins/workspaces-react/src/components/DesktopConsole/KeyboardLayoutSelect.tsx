import { useEffect, useState } from 'react';
import {
  FormControl,
  FormHelperText,
  InputLabel,
  MenuItem,
  Select,
  makeStyles,
} from '@material-ui/core';
import { useApiHolder } from '@backstage/frontend-plugin-api';
import {
  DEFAULT_KEYBOARD_LAYOUT,
  findKeyboardLayout,
  KEYBOARD_LAYOUTS,
} from '@desktop-mania/plugin-workspaces-common';
import { workspacesApiRef } from '../../api';

/** Where the browser keeps the person's choice, for every desktop they open. */
export const KEYBOARD_LAYOUT_STORAGE_KEY = 'desktop-mania.keyboardLayout';

const useStyles = makeStyles(theme => ({
  control: { marginTop: theme.spacing(2), minWidth: 200 },
}));

function storedLayout(): string {
  try {
    const stored = window.localStorage.getItem(KEYBOARD_LAYOUT_STORAGE_KEY);
    return findKeyboardLayout(stored)?.id ?? DEFAULT_KEYBOARD_LAYOUT;
  } catch {
    return DEFAULT_KEYBOARD_LAYOUT;
  }
}

/**
 * The desktop's keyboard layout, as the person chose it in this browser. It
 * is set on the desktop each time the console connects (a restarted desktop
 * starts with its default again) and when the person picks another. VM
 * desktops take scancodes and their own system's layout, so they get none.
 */
export function KeyboardLayoutSelect(props: {
  name: string;
  connected: boolean;
  disabled: boolean;
}) {
  const { name, connected, disabled } = props;
  const classes = useStyles();
  // Optional: a console rendered without the workspaces API has no layouts.
  const api = useApiHolder().get(workspacesApiRef);
  const [layout, setLayout] = useState(storedLayout);
  const [supported, setSupported] = useState(false);
  const [error, setError] = useState<string>();

  useEffect(() => {
    if (!api) return undefined;
    let live = true;
    api.getWorkspace(name).then(
      workspace => live && setSupported(workspace.provider !== 'kubevirt'),
      () => live && setSupported(false),
    );
    return () => {
      live = false;
    };
  }, [api, name]);

  useEffect(() => {
    if (!api || !supported || !connected || disabled) return undefined;
    let live = true;
    Promise.resolve()
      .then(() => api.setKeyboardLayout(name, layout))
      .then(
        () => live && setError(undefined),
        (e: Error) => live && setError(e.message),
      );
    return () => {
      live = false;
    };
  }, [api, name, supported, connected, disabled, layout]);

  if (!supported) return null;

  const choose = (id: string) => {
    try {
      window.localStorage.setItem(KEYBOARD_LAYOUT_STORAGE_KEY, id);
    } catch {
      // A browser that stores nothing still sets it for this visit.
    }
    setLayout(id);
  };

  return (
    <FormControl
      className={classes.control}
      size="small"
      variant="outlined"
      disabled={!connected || disabled}
      error={!!error}
    >
      <InputLabel id="desktop-keyboard-layout-label">
        Keyboard layout
      </InputLabel>
      <Select
        labelId="desktop-keyboard-layout-label"
        label="Keyboard layout"
        value={layout}
        onChange={e => choose(e.target.value as string)}
        data-testid="desktop-keyboard-layout"
      >
        {KEYBOARD_LAYOUTS.map(l => (
          <MenuItem key={l.id} value={l.id}>
            {l.title}
          </MenuItem>
        ))}
      </Select>
      <FormHelperText>
        {error ?? 'Pick the layout printed on your keyboard.'}
      </FormHelperText>
    </FormControl>
  );
}
