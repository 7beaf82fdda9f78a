import { useId, useState } from 'react';
import {
  Box,
  Button,
  Checkbox,
  FormControlLabel,
  FormGroup,
  FormHelperText,
  TextField,
} from '@material-ui/core';
import {
  WORKSPACE_WEEKDAYS,
  workspaceScheduleProblem,
  type WorkspaceSchedule,
  type WorkspaceScheduleRequest,
  type WorkspaceWeekday,
} from '@desktop-mania/plugin-workspaces-common';

const DAY_LABELS: Record<WorkspaceWeekday, string> = {
  mon: 'Mon',
  tue: 'Tue',
  wed: 'Wed',
  thu: 'Thu',
  fri: 'Fri',
  sat: 'Sat',
  sun: 'Sun',
};

/** What a new schedule starts from: office hours in the browser's zone. */
function initial(current?: WorkspaceSchedule): WorkspaceScheduleRequest {
  if (current) return current;
  return {
    timeZone: new Intl.DateTimeFormat().resolvedOptions().timeZone,
    days: ['mon', 'tue', 'wed', 'thu', 'fri'],
    start: '08:00',
    stop: '19:00',
  };
}

/**
 * Days, start and stop times and time zone of a desktop's working hours.
 * Checked as the backend checks them before anything is sent, so the
 * field at fault is named at once.
 */
export function WorkingHoursForm(props: {
  current?: WorkspaceSchedule;
  disabled: boolean;
  busy: boolean;
  onSave(schedule: WorkspaceScheduleRequest): void;
  onRemove(): void;
}) {
  const { current, disabled, busy } = props;
  const [draft, setDraft] = useState(() => initial(current));
  // Ties each field's label to its input.
  const id = useId();
  const request: WorkspaceScheduleRequest = {
    timeZone: draft.timeZone.trim(),
    // Saved in week order, whatever order they were ticked in.
    days: WORKSPACE_WEEKDAYS.filter(d => draft.days.includes(d)),
    start: draft.start || undefined,
    stop: draft.stop || undefined,
  };
  const problem = workspaceScheduleProblem(request);
  const field = problem?.split(':')[0];
  const toggle = (day: WorkspaceWeekday, on: boolean) =>
    setDraft(d => ({
      ...d,
      days: on ? [...d.days, day] : d.days.filter(x => x !== day),
    }));

  return (
    <form
      aria-label="Working hours"
      onSubmit={e => {
        e.preventDefault();
        if (!problem) props.onSave(request);
      }}
    >
      <FormGroup row>
        {WORKSPACE_WEEKDAYS.map(day => (
          <FormControlLabel
            key={day}
            label={DAY_LABELS[day]}
            disabled={disabled}
            control={
              <Checkbox
                checked={draft.days.includes(day)}
                onChange={e => toggle(day, e.target.checked)}
              />
            }
          />
        ))}
      </FormGroup>
      {field === 'days' && <FormHelperText error>{problem}</FormHelperText>}
      <Box display="flex" flexWrap="wrap" style={{ gap: 16 }} mt={1}>
        {(['start', 'stop'] as const).map(which => (
          <TextField
            key={which}
            id={`${id}-${which}`}
            label={which === 'start' ? 'Start at' : 'Stop at'}
            type="time"
            value={draft[which] ?? ''}
            disabled={disabled}
            InputLabelProps={{ shrink: true }}
            inputProps={{ step: 60 }}
            error={field === which}
            helperText={field === which ? problem : 'Leave empty for none'}
            onChange={e => setDraft(d => ({ ...d, [which]: e.target.value }))}
          />
        ))}
        <TextField
          id={`${id}-time-zone`}
          label="Time zone"
          value={draft.timeZone}
          disabled={disabled}
          error={field === 'timeZone'}
          helperText={
            field === 'timeZone' ? problem : 'An IANA zone, e.g. Europe/Berlin'
          }
          onChange={e => setDraft(d => ({ ...d, timeZone: e.target.value }))}
        />
      </Box>
      <Box mt={2} display="flex" style={{ gap: 8 }}>
        <Button
          type="submit"
          variant="contained"
          color="primary"
          disabled={disabled || busy || problem !== undefined}
        >
          Save
        </Button>
        {current && (
          <Button
            variant="outlined"
            disabled={disabled || busy}
            onClick={props.onRemove}
          >
            Remove
          </Button>
        )}
      </Box>
    </form>
  );
}
