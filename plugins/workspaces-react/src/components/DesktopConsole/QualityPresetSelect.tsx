import { TextField } from '@material-ui/core';
import {
  CONSOLE_QUALITY_PRESETS,
  consoleQualityPreset,
  DEFAULT_CONSOLE_QUALITY_PRESET,
  type ConsoleQualityPresetId,
} from '@desktop-mania/plugin-workspaces-common';
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

/** The toolbar's quality menu; the change reaches a live console at once. */
export function QualityPresetSelect(props: {
  value: ConsoleQualityPresetId;
  onChange(id: ConsoleQualityPresetId): void;
}) {
  return (
    <TextField
      select
      size="small"
      variant="outlined"
      label="Quality"
      value={props.value}
      title={consoleQualityPreset(props.value).description}
      onChange={e => props.onChange(consoleQualityPreset(e.target.value).id)}
      SelectProps={{ native: true }}
      inputProps={{ 'data-testid': 'desktop-console-quality' }}
    >
      {CONSOLE_QUALITY_PRESETS.map(p => (
        <option key={p.id} value={p.id} title={p.description}>
          {p.title}
        </option>
      ))}
    </TextField>
  );
}
