import { describe, expect, it } from 'vitest';
import { MessageFactory, type OutgoingMessage } from '../../platform/bus/messages.js';
import { ManualClock } from '../../platform/clock.js';
import type { Tenant } from '../../platform/tenant.js';
import { resolveTopics } from '../../platform/topics.js';
import { controlOverlay } from '../core/controls.js';
import { type RouteStatusType, TransportMessages } from '../producer.js';
import { loadTenant } from '../tenants/loaded-tenant.js';
import { routeId } from '../testing/harness.js';
import { runnerRig } from '../testing/runner-rig.js';
import { sample } from '../testing/sample.js';

// Leg A of the boat: boards 00:00, locks 00:04, departs 00:05, arrives 00:15.
const BOAT = routeId('boat-ellinia-orbis');
const at = (time: string) => Date.parse(`2026-02-18T${time}Z`);

/** The status events built, as `<route> <type>`. */
class RecordedMessages extends TransportMessages {
  readonly statuses: string[] = [];

  override routeStatus(tenant: Tenant, route: string, type: RouteStatusType, mapId: number): OutgoingMessage {
    this.statuses.push(`${route} ${type}`);
    return super.routeStatus(tenant, route, type, mapId);
  }
}

function runnerOn(clock: ManualClock) {
  const messages = new RecordedMessages(new MessageFactory(resolveTopics({})));
  return { ...runnerRig(clock, messages), messages };
}

describe('a boundary evaluated ahead', () => {
  it('is evaluated again when a control changed the schedule since, so the control is still followed', async () => {
    const clock = new ManualClock(at('00:01:00'));
    const { runner, messages, settle } = runnerOn(clock);
    const loaded = loadTenant(sample);
    runner.apply(loaded);
    await settle();
    // A second after arming, the boat's 00:04 boundary is evaluated ahead: locked, then departing at 00:05.
    clock.set(at('00:02:00'));
    await settle();

    // Then an outage from 00:04:30 is set: the 00:04 boundary stays, what follows it does not.
    const own = loaded.schedules.get(BOAT)!;
    const controls = {
      outage: { from: at('00:04:30'), until: at('00:20:00'), reason: null, setAt: at('00:02:00') },
    };
    const overlay = controlOverlay({ timetable: own.timetable, controls })!;
    const controlled = { ...loaded, schedules: new Map(loaded.schedules).set(BOAT, { ...own, overlay }) };
    runner.controlsChanged(controlled, BOAT, at('00:02:00'));
    await settle();
    for (const time of ['00:04:00', '00:04:30', '00:05:00', '00:06:00']) {
      clock.set(at(time));
      await settle();
    }
    runner.stop();

    const boat = messages.statuses.filter((status) => status.startsWith(BOAT));
    // Out of service from 00:04:30: the 00:05 departure evaluated before the outage was set never happens.
    expect(boat).not.toContain(`${BOAT} DEPARTED`);
    expect(messages.statuses.some((status) => status.endsWith('DEPARTED'))).toBe(true);
  });
});
