import type {
  WorkspaceScheduleRequest,
  WorkspaceWeekday,
} from '@desktop-mania/plugin-workspaces-common';

interface LocalDate {
  year: number;
  month: number;
  day: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string) {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function localParts(instant: number, timeZone: string) {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(instant)) {
    parts[p.type] = p.value;
  }
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

/** How far the zone's wall clock is ahead of UTC at `instant`, in ms. */
function offsetAt(instant: number, timeZone: string) {
  const p = localParts(instant, timeZone);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - Math.floor(instant / 1000) * 1000;
}

const WEEKDAYS: WorkspaceWeekday[] = [
  'sun',
  'mon',
  'tue',
  'wed',
  'thu',
  'fri',
  'sat',
];

/**
 * The instant the zone's clocks show `time` on `date`. Offsets are asked
 * three hours either side, so a DST change that night is seen: a time the
 * clocks skip (02:30 the night they spring forward) comes out after the gap
 * as far as it was into it, and a time they show twice as its first showing.
 */
export function zonedInstant(date: LocalDate, time: string, timeZone: string) {
  const [hour, minute] = time.split(':').map(Number);
  const wall = Date.UTC(date.year, date.month - 1, date.day, hour, minute);
  const before = wall - offsetAt(wall - 3 * 3600_000, timeZone);
  const after = wall - offsetAt(wall + 3 * 3600_000, timeZone);
  const shows = (instant: number) => {
    const p = localParts(instant, timeZone);
    return p.day === date.day && p.hour === hour && p.minute === minute;
  };
  const showing = [before, after].filter(shows);
  return new Date(showing.length ? Math.min(...showing) : before);
}

/**
 * The most recent moment at or before `now` when the schedule's `which`
 * time came round on one of its days, if any in the past week.
 */
export function lastScheduled(
  schedule: WorkspaceScheduleRequest,
  which: 'start' | 'stop',
  now: Date,
): Date | undefined {
  const time = schedule[which];
  if (!time) return undefined;
  const today = localParts(now.getTime(), schedule.timeZone);
  // Calendar days counted on the local date, not in 24-hour steps, which
  // would skip or repeat a day across a DST change.
  for (let back = 0; back <= 7; back++) {
    const d = new Date(Date.UTC(today.year, today.month - 1, today.day - back));
    const weekday = WEEKDAYS[d.getUTCDay()];
    if (!schedule.days.includes(weekday)) continue;
    const date = {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
    };
    const at = zonedInstant(date, time, schedule.timeZone);
    if (at <= now) return at;
  }
  return undefined;
}

/**
 * The schedule's latest transition at or before `now`: whether the desktop
 * should have been started or stopped last, and when.
 */
export function lastTransition(
  schedule: WorkspaceScheduleRequest,
  now: Date,
): { action: 'start' | 'stop'; at: Date } | undefined {
  const start = lastScheduled(schedule, 'start', now);
  const stop = lastScheduled(schedule, 'stop', now);
  if (start && (!stop || start > stop)) return { action: 'start', at: start };
  if (stop) return { action: 'stop', at: stop };
  return undefined;
}
