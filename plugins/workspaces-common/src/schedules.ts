/**
 * A day of the week, as working hours name them.
 * @public
 */
export type WorkspaceWeekday =
  | 'mon'
  | 'tue'
  | 'wed'
  | 'thu'
  | 'fri'
  | 'sat'
  | 'sun';

/**
 * The days of the week in order, Monday first.
 * @public
 */
export const WORKSPACE_WEEKDAYS: readonly WorkspaceWeekday[] = [
  'mon',
  'tue',
  'wed',
  'thu',
  'fri',
  'sat',
  'sun',
];

/**
 * A desktop's working hours: on each of `days`, housekeeping starts it at
 * `start` and stops it at `stop`, both wall-clock times (HH:MM, 24 hours) in
 * `timeZone`, an IANA zone such as Europe/Berlin. Either time may be left
 * out, e.g. only a stop every evening.
 * @public
 */
export interface WorkspaceScheduleRequest {
  timeZone: string;
  days: WorkspaceWeekday[];
  start?: string;
  stop?: string;
}

/**
 * Working hours as stored, with who set them and when.
 * @public
 */
export interface WorkspaceSchedule extends WorkspaceScheduleRequest {
  updatedAt: string;
  updatedBy: string;
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/**
 * Whether this runtime knows the IANA time zone.
 * @public
 */
export function isTimeZone(timeZone: string): boolean {
  try {
    return Boolean(new Intl.DateTimeFormat('en-US', { timeZone }));
  } catch {
    return false;
  }
}

/**
 * What is wrong with working hours, as one line starting with the field, or
 * undefined when they are fine. The backend refuses with this line; the
 * editor shows it before sending.
 * @public
 */
export function workspaceScheduleProblem(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return 'schedule: expected an object with timeZone, days, start and/or stop';
  }
  const { timeZone, days, start, stop } = body as Record<string, unknown>;
  if (typeof timeZone !== 'string' || !isTimeZone(timeZone)) {
    return `timeZone: expected an IANA time zone such as Europe/Berlin, got ${JSON.stringify(
      timeZone ?? null,
    )}`;
  }
  if (
    !Array.isArray(days) ||
    days.length === 0 ||
    !days.every(d => WORKSPACE_WEEKDAYS.includes(d)) ||
    new Set(days).size !== days.length
  ) {
    return `days: expected one or more of ${WORKSPACE_WEEKDAYS.join(
      ', ',
    )}, each once`;
  }
  for (const [field, value] of [
    ['start', start],
    ['stop', stop],
  ] as const) {
    if (
      value !== undefined &&
      (typeof value !== 'string' || !TIME.test(value))
    ) {
      return `${field}: expected a time HH:MM between 00:00 and 23:59`;
    }
  }
  if (start === undefined && stop === undefined) {
    return 'start: give a start time, a stop time or both';
  }
  if (start === stop) {
    return 'stop: must differ from start';
  }
  return undefined;
}
