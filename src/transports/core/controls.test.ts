import { describe, expect, it } from 'vitest';
import { sample } from '../testing/sample.js';
import { type ControlledLeg, controlOverlay, type RouteControls } from './controls.js';
import { evaluateSchedule, type RouteSchedule, voyageAt } from './schedule.js';
import { computeTimetables, type RouteTimetable } from './timetable.js';

const timetables = computeTimetables(sample.routes, sample.vessels);
const byName = (name: string): RouteTimetable =>
  timetables.get(sample.routes.find((route) => route.name === name)!.id)!;
// The boat: leg A boards 00:00, locks 00:04, departs 00:05, arrives 00:15; leg B boards 00:15:05, departs
// 00:20:05, arrives 00:30:05; leg A boards again 00:30:10.
const A = byName('boat-ellinia-orbis');
const B = byName('boat-orbis-ellinia');
const at = (time: string) => Date.parse(`2026-02-18T${time}Z`);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString().slice(11, 19));

function scheduleOf(own: RouteTimetable, controls?: RouteControls, partner?: ControlledLeg): RouteSchedule {
  const overlay = controlOverlay({ timetable: own, controls }, partner);
  return overlay ? { timetable: own, overlay } : { timetable: own };
}

function states(schedule: RouteSchedule, ...times: string[]): string[] {
  return times.map((time) => evaluateSchedule(schedule, at(time)).state);
}

describe('a hold', () => {
  const held = scheduleOf(A, { hold: { since: at('00:01:00'), reason: null } });

  it('keeps the route locked from its departure on, with no transition ahead', () => {
    expect(states(held, '00:00:30', '00:04:30', '00:05:00', '00:20:00', '03:00:00')).toEqual([
      'open_entry',
      'locked_entry',
      'locked_entry',
      'locked_entry',
      'locked_entry',
    ]);
    expect(evaluateSchedule(held, at('00:04:30')).nextTransitionAt).toBeNull();
  });

  it('released, departs at the release, arrives after its travel and resumes after the other leg', () => {
    const released = scheduleOf(
      A,
      { released: { since: at('00:01:00'), at: at('00:40:00') } },
      {
        timetable: B,
        controls: undefined,
      },
    );
    expect(states(released, '00:39:59', '00:40:00', '00:49:59', '00:50:00')).toEqual([
      'locked_entry',
      'in_transit',
      'in_transit',
      'awaiting_return',
    ]);
    // The hull is at Orbis at 00:50: leg B's next trip boards 01:15:25 and arrives 01:30:25; A boards 01:30:30.
    const evaluation = evaluateSchedule(released, at('00:50:00'));
    expect(iso(evaluation.nextTransitionAt)).toBe('01:30:30');
    expect(evaluation.nextState).toBe('open_entry');
    // The voyage is the held trip's, departed at the release.
    expect(voyageAt(released, 't', at('00:45:00'))?.departedAt).toBe(at('00:40:00'));
    expect(voyageAt(released, 't', at('00:45:00'))?.id).toBe(
      voyageAt({ timetable: A }, 't', at('00:06:00'))?.id,
    );
  });

  it('released before its departure changes nothing', () => {
    const released = scheduleOf(A, { released: { since: at('00:01:00'), at: at('00:02:00') } });
    expect(states(released, '00:04:30', '00:06:00', '00:15:00')).toEqual(
      states({ timetable: A }, '00:04:30', '00:06:00', '00:15:00'),
    );
  });

  it('held again while the released trip travels, keeps that trip and holds the next departure', () => {
    const again = scheduleOf(
      A,
      {
        released: { since: at('00:01:00'), at: at('00:40:00') },
        hold: { since: at('00:45:00'), reason: null },
      },
      { timetable: B, controls: undefined },
    );
    expect(states(again, '00:45:00', '00:49:59', '00:50:00', '01:30:30', '01:35:30', '05:00:00')).toEqual([
      'in_transit',
      'in_transit',
      'awaiting_return',
      'open_entry',
      'locked_entry',
      'locked_entry',
    ]);
  });

  it('of one leg keeps the hull at its dock: the other leg waits for it', () => {
    const other = scheduleOf(B, undefined, {
      timetable: A,
      controls: { hold: { since: at('00:01:00'), reason: null } },
    });
    // Unheld, leg B would board at 00:15:05.
    expect(states(other, '00:16:00', '00:21:00', '05:00:00')).toEqual([
      'awaiting_return',
      'awaiting_return',
      'awaiting_return',
    ]);
  });
});

describe('a forced departure', () => {
  it('leaves now, arrives after its travel and resumes at the next trip boarding after the arrival', () => {
    const forced = scheduleOf(A, { forcedAt: at('00:02:00') });
    expect(states(forced, '00:01:59', '00:02:00', '00:11:59', '00:12:00', '00:15:00', '00:30:09')).toEqual([
      'open_entry',
      'in_transit',
      'in_transit',
      'awaiting_return',
      'awaiting_return',
      'awaiting_return',
    ]);
    expect(iso(evaluateSchedule(forced, at('00:12:00')).nextTransitionAt)).toBe('00:30:10');
  });
});

describe('an outage', () => {
  const outage = (from: string, until: string): RouteControls => ({
    outage: { from: at(from), until: at(until), reason: 'storm', setAt: at('00:00:00') },
  });

  it('is out of service in its period, and a trip in transit at its start completes', () => {
    const grounded = scheduleOf(A, outage('00:10:00', '01:00:00'));
    expect(states(grounded, '00:09:00', '00:14:59', '00:15:00', '00:30:10', '00:59:59')).toEqual([
      'in_transit',
      'in_transit',
      'out_of_service',
      'out_of_service',
      'out_of_service',
    ]);
    expect(evaluateSchedule(grounded, at('00:20:00')).nextTransitionAt).toBe(at('01:00:00'));
  });

  it('cuts a boarding trip and keeps a trip departing in the period from travelling after it', () => {
    // The boarding at 00:30:10 departs 00:35:10 inside the period, which would be in transit until 00:45:10.
    const grounded = scheduleOf(A, outage('00:32:00', '00:40:00'));
    expect(states(grounded, '00:31:00', '00:32:00', '00:40:00', '00:45:09', '00:45:10')).toEqual([
      'open_entry',
      'out_of_service',
      'out_of_service',
      'out_of_service',
      'awaiting_return',
    ]);
  });

  it('of one leg grounds the other', () => {
    const other = scheduleOf(B, undefined, { timetable: A, controls: outage('00:14:00', '00:40:00') });
    expect(states(other, '00:16:00', '00:39:00', '00:45:15')).toEqual([
      'out_of_service',
      'out_of_service',
      'open_entry',
    ]);
  });
});

describe('controls whose effect has passed', () => {
  // A forced departure of the day before, and a reload at 06:00 today that changed the timetable.
  const overlay = controlOverlay({ timetable: A, controls: { forcedAt: at('00:01:00') - 86_400_000 } })!;
  const reloaded: RouteSchedule = { timetable: B, previous: { timetable: A, until: at('06:00:00') } };

  it('leave the route to its timetables: the same evaluation at every instant of the day', () => {
    expect(overlay.overrides.length).toBeGreaterThan(0);
    for (let time = at('00:00:00'); time < at('00:00:00') + 86_400_000; time += 5_000) {
      const expected = evaluateSchedule(reloaded, time);
      expect({ time, ...evaluateSchedule({ ...reloaded, overlay }, time) }).toEqual({ time, ...expected });
    }
  });
});

describe('controls ahead of a reload', () => {
  // An outage at 08:00-09:00, and a reload at 06:00 today that changed the timetable.
  const overlay = controlOverlay({
    timetable: B,
    controls: {
      outage: { from: at('08:00:00'), until: at('09:00:00'), reason: null, setAt: at('00:00:00') },
    },
  })!;
  const reloaded: RouteSchedule = { timetable: B, previous: { timetable: A, until: at('06:00:00') } };

  it('leave the evaluation before the outage as the timetables give it, the reload instant included', () => {
    for (let time = at('00:00:00'); time < at('07:00:00'); time += 5_000) {
      const expected = evaluateSchedule(reloaded, time);
      if (expected.nextTransitionAt === null || expected.nextTransitionAt > at('07:30:00')) continue;
      expect({ time, ...evaluateSchedule({ ...reloaded, overlay }, time) }).toEqual({ time, ...expected });
    }
  });
});
