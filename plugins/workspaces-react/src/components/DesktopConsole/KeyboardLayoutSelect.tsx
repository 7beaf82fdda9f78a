import { useEffect, useState } from 'react';
import { makeStyles } from '@material-ui/core';
import { useApiHolder } from '@backstage/frontend-plugin-api';
import {
  DEFAULT_KEYBOARD_LAYOUT,
  KEYBOARD_LAYOUTS,
} from '@desktop-mania/plugin-workspaces-common';
import { workspacesApiRef } from '../../api';
import { ConsolePreferenceSelect } from './ConsolePreferenceSelect';
import {
  type ConsolePreference,
  useConsolePreference,
} from './useConsolePreference';

/** The person's layout, for every desktop they open. */
export const KEYBOARD_LAYOUT_PREFERENCE: ConsolePreference<string> = {
  key: 'keyboardLayout',
  values: KEYBOARD_LAYOUTS.map(l => l.id),
  fallback: DEFAULT_KEYBOARD_LAYOUT,
};

const useStyles = makeStyles(theme => ({
  control: { marginTop: theme.spacing(2), minWidth: 200 },
}));

/**
 * The desktop's keyboard layout, as the person chose it. It
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
  // Set only once the stored layout is known: a default sent first could
  // reach the desktop after it.
  const [layout, choose, known] = useConsolePreference(
    KEYBOARD_LAYOUT_PREFERENCE,
  );
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
    if (!api || !supported || !connected || disabled || !known)
      return undefined;
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
  }, [api, name, supported, connected, disabled, known, layout]);

  if (!supported) return null;

  return (
    <ConsolePreferenceSelect
      id="desktop-keyboard-layout"
      label="Keyboard layout"
      choices={KEYBOARD_LAYOUTS}
      value={layout}
      onChange={choose}
      disabled={!connected || disabled}
      error={!!error}
      helperText={error ?? 'Pick the layout printed on your keyboard.'}
      className={classes.control}
    />
  );
}
