import { makeStyles } from '@material-ui/core';
import {
  CONSOLE_QUALITY_PRESETS,
  DEFAULT_CONSOLE_QUALITY_PRESET,
  type ConsoleQualityPresetId,
} from '@desktop-mania/plugin-workspaces-common';
import { ConsolePreferenceSelect } from './ConsolePreferenceSelect';
import type { ConsolePreference } from './useConsolePreference';

/**
 * The console's quality preset, remembered for the person: the app's
 * user-settings storage keeps it per signed-in person, so people sharing a
 * browser, who may sit on different links, keep their own.
 */
export const QUALITY_PREFERENCE: ConsolePreference<ConsoleQualityPresetId> = {
  key: 'quality',
  values: CONSOLE_QUALITY_PRESETS.map(p => p.id),
  fallback: DEFAULT_CONSOLE_QUALITY_PRESET,
};

// As wide as its longest title, whichever is chosen: a toolbar that grew
// and wrapped would shrink the screen, which in Fit mode resizes the desktop.
const useStyles = makeStyles({ control: { minWidth: 180 } });

/** The toolbar's quality menu; the change reaches a live console at once. */
export function QualityPresetSelect(props: {
  value: ConsoleQualityPresetId;
  onChange(id: ConsoleQualityPresetId): void;
}) {
  const classes = useStyles();
  return (
    <ConsolePreferenceSelect
      id="desktop-console-quality"
      label="Quality"
      choices={CONSOLE_QUALITY_PRESETS}
      value={props.value}
      onChange={props.onChange}
      className={classes.control}
    />
  );
}
