import { useCallback, useEffect, useState } from 'react';
import { TextField } from '@material-ui/core';
import { identityApiRef, useApi } from '@backstage/frontend-plugin-api';
import {
  CONSOLE_QUALITY_PRESETS,
  consoleQualityPreset,
  DEFAULT_CONSOLE_QUALITY_PRESET,
  type ConsoleQualityPresetId,
} from '@desktop-mania/plugin-workspaces-common';

const KEY = 'desktopmania.console.quality';

function stored(user: string): ConsoleQualityPresetId {
  try {
    return consoleQualityPreset(window.localStorage.getItem(`${KEY}:${user}`))
      .id;
  } catch {
    // Storage can be blocked by the browser's privacy settings.
    return DEFAULT_CONSOLE_QUALITY_PRESET;
  }
}

/**
 * The console's quality preset, remembered in this browser for each person
 * signed in to it: people sharing a browser may sit on different links.
 */
export function useQualityPreset(): [
  ConsoleQualityPresetId,
  (id: ConsoleQualityPresetId) => void,
] {
  const identityApi = useApi(identityApiRef);
  const [user, setUser] = useState<string>();
  const [preset, setPreset] = useState<ConsoleQualityPresetId>(
    DEFAULT_CONSOLE_QUALITY_PRESET,
  );
  useEffect(() => {
    let live = true;
    Promise.resolve()
      .then(() => identityApi.getBackstageIdentity())
      .then(identity => {
        if (!live) return;
        setUser(identity.userEntityRef);
        setPreset(stored(identity.userEntityRef));
      })
      .catch(() => {
        // Without an identity the choice lasts for this page only.
      });
    return () => {
      live = false;
    };
  }, [identityApi]);
  const choose = useCallback(
    (id: ConsoleQualityPresetId) => {
      setPreset(id);
      if (!user) return;
      try {
        window.localStorage.setItem(`${KEY}:${user}`, id);
      } catch {
        // Remembered for this page only.
      }
    },
    [user],
  );
  return [preset, choose];
}

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
