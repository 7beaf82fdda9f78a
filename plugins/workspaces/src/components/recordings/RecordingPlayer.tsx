import { useState } from 'react';
import {
  Box,
  Button,
  ButtonGroup,
  IconButton,
  Slider,
  Typography,
  makeStyles,
} from '@material-ui/core';
import PauseIcon from '@material-ui/icons/Pause';
import PlayArrowIcon from '@material-ui/icons/PlayArrow';
import { WarningPanel } from '@backstage/core-components';
import type { RecordingFrame } from '@desktop-mania/plugin-workspaces-common';
import {
  PLAYBACK_SPEEDS,
  useRecordingPlayback,
} from '@desktop-mania/plugin-workspaces-react';
import { formatDuration } from './format';

const useStyles = makeStyles(theme => ({
  controls: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(1),
  },
  slider: { flex: '1 1 240px', minWidth: 160 },
  time: { fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' },
  // noVNC fills this with its own element and scales the desktop into it;
  // the page's header and the controls above take about 300 px.
  screen: {
    height: 'calc(100vh - 300px)',
    minHeight: 320,
    background: '#1e1e1e',
    overflow: 'hidden',
  },
}));

/**
 * A recorded session on noVNC's own decoder, with play, pause, a position
 * to seek to and the speed. It only shows: nothing done on it goes to a
 * desktop.
 */
export function RecordingPlayer(props: {
  frames: readonly RecordingFrame[];
  durationMs?: number;
}) {
  const classes = useStyles();
  const playback = useRecordingPlayback(props.frames, {
    durationMs: props.durationMs,
  });
  // While the thumb is dragged it shows where it is; the seek comes on release.
  const [dragged, setDragged] = useState<number>();
  const shown = dragged ?? playback.positionMs;
  const ended =
    !playback.playing &&
    playback.durationMs > 0 &&
    playback.positionMs >= playback.durationMs;
  let state = 'paused';
  if (playback.playing) state = 'playing';
  else if (ended) state = 'ended';

  if (playback.error) {
    return (
      <WarningPanel
        severity="error"
        title="Could not replay the recording"
        message={playback.error}
        defaultExpanded
      />
    );
  }
  return (
    <Box data-testid="recording-player" data-state={state}>
      <Box className={classes.controls}>
        {playback.playing ? (
          <IconButton aria-label="Pause" onClick={playback.pause}>
            <PauseIcon />
          </IconButton>
        ) : (
          <IconButton
            aria-label="Play"
            onClick={playback.play}
            disabled={!playback.ready}
          >
            <PlayArrowIcon />
          </IconButton>
        )}
        <Slider
          className={classes.slider}
          aria-label="Position"
          min={0}
          max={Math.max(1, playback.durationMs)}
          value={shown}
          disabled={!playback.ready}
          onChange={(_e, value) => setDragged(value as number)}
          onChangeCommitted={(_e, value) => {
            setDragged(undefined);
            playback.seek(value as number);
          }}
          getAriaValueText={value => formatDuration(value)}
        />
        <Typography
          variant="body2"
          className={classes.time}
          data-testid="recording-player-time"
        >
          {formatDuration(shown)} / {formatDuration(playback.durationMs)}
        </Typography>
        <ButtonGroup size="small" aria-label="Speed">
          {PLAYBACK_SPEEDS.map(speed => (
            <Button
              key={speed}
              aria-pressed={playback.speed === speed}
              variant={playback.speed === speed ? 'contained' : 'outlined'}
              color={playback.speed === speed ? 'primary' : 'default'}
              onClick={() => playback.setSpeed(speed)}
            >
              {speed}×
            </Button>
          ))}
        </ButtonGroup>
      </Box>
      <div
        ref={playback.screen}
        className={classes.screen}
        data-testid="recording-player-screen"
      />
    </Box>
  );
}
