import { lastScheduled, lastTransition, zonedInstant } from './scheduleTimes';

const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri'] as const;
const berlin = {
  timeZone: 'Europe/Berlin',
  days: [...weekdays],
  start: '08:00',
  stop: '19:00',
};
const day = (year: number, month: number, d: number) => ({
  year,
  month,
  day: d,
});

describe('zonedInstant', () => {
  it('follows the zone into summer time', () => {
    expect(zonedInstant(day(2026, 1, 15), '08:00', 'Europe/Berlin')).toEqual(
      new Date('2026-01-15T07:00:00Z'),
    );
    expect(zonedInstant(day(2026, 7, 15), '08:00', 'Europe/Berlin')).toEqual(
      new Date('2026-07-15T06:00:00Z'),
    );
  });

  it('moves a time the clocks skip past the gap', () => {
    // New York springs from 02:00 to 03:00 on 8 March 2026.
    expect(zonedInstant(day(2026, 3, 8), '02:30', 'America/New_York')).toEqual(
      new Date('2026-03-08T07:30:00Z'),
    );
  });

  it('takes the first showing of a time the clocks show twice', () => {
    // Berlin falls back from 03:00 to 02:00 on 25 October 2026.
    expect(zonedInstant(day(2026, 10, 25), '02:30', 'Europe/Berlin')).toEqual(
      new Date('2026-10-25T00:30:00Z'),
    );
  });
});

describe('lastScheduled', () => {
  it('finds the latest weekday occurrence, skipping the weekend', () => {
    // Sunday 29 November 2026, noon in Berlin: Friday was the last stop.
    expect(
      lastScheduled(berlin, 'stop', new Date('2026-11-29T11:00:00Z')),
    ).toEqual(new Date('2026-11-27T18:00:00Z'));
    // Monday at 08:00 exactly is the start.
    expect(
      lastScheduled(berlin, 'start', new Date('2026-11-30T07:00:00Z')),
    ).toEqual(new Date('2026-11-30T07:00:00Z'));
  });

  it('does not skip the short day of a DST change', () => {
    // Berlin's Sunday 29 March 2026 has 23 hours; just after midnight on
    // Monday its 23:00 is the last Sunday stop.
    expect(
      lastScheduled(
        { timeZone: 'Europe/Berlin', days: ['sun'], stop: '23:00' },
        'stop',
        new Date('2026-03-29T22:30:00Z'),
      ),
    ).toEqual(new Date('2026-03-29T21:00:00Z'));
  });

  it('has none without the time or without a day in the past week', () => {
    expect(
      lastScheduled(
        { timeZone: 'UTC', days: ['mon'], stop: '19:00' },
        'start',
        new Date('2026-11-30T12:00:00Z'),
      ),
    ).toBeUndefined();
  });
});

describe('lastTransition', () => {
  it('is the later of the last start and the last stop', () => {
    expect(lastTransition(berlin, new Date('2026-11-30T12:00:00Z'))).toEqual({
      action: 'start',
      at: new Date('2026-11-30T07:00:00Z'),
    });
    expect(lastTransition(berlin, new Date('2026-11-30T20:00:00Z'))).toEqual({
      action: 'stop',
      at: new Date('2026-11-30T18:00:00Z'),
    });
  });
});
