import { afterEach, describe, expect, it } from 'vitest';
import type { OutgoingMessage } from '../../platform/bus/messages.js';
import {
  decode,
  type InstanceRig,
  instanceRig,
  rideId,
  rigRoute,
  RIG_TENANT as TENANT,
} from '../testing/instance-rig.js';

const WHALE = rigRoute('whale');
const RIDER = { characterId: 9, worldId: 0, channelId: 1 };
const HOME = {
  channelId: 1,
  mapId: 104000000,
  instance: '00000000-0000-0000-0000-000000000000',
  portalId: 0,
};

let rig: InstanceRig | undefined;
afterEach(async () => {
  rig?.transports.stop();
  await rig?.close();
  rig = undefined;
});

/** A rig whose ride transactions fail while `failing.on` and they would send `type`. */
async function failingRig(type: string) {
  const failing = { on: true, tries: 0 };
  const failWrite = (messages: readonly OutgoingMessage[]) => {
    const hit = messages.some((m) => decode(m).type === type);
    if (hit) failing.tries++;
    return failing.on && hit;
  };
  rig = await instanceRig([WHALE], { failWrite });
  return { rig, failing };
}

const summary = async (r: InstanceRig) => (await r.sent()).map((m) => [decode(m).type, decode(m).body]);

describe('instance ride endings', () => {
  it('tries an arrival that could not be written again at the next sweep, and delivers it', async () => {
    const { rig, failing } = await failingRig('COMPLETED');
    await rig.transports.start(TENANT, WHALE.id, RIDER);
    rig.clock.set(61_000);
    await rig.settle();
    expect(failing.tries).toBe(1);
    expect((await summary(rig)).map(([type]) => type)).toEqual(['CHANGE_MAP', 'STARTED']);
    expect(await rig.transports.active()).toBe(1);
    failing.on = false;
    await rig.transports.endings.sweep();
    rig.clock.set(62_000);
    await rig.settle();
    expect((await summary(rig)).slice(2)).toEqual([
      ['CHANGE_MAP', { ...HOME, mapId: 140020300 }],
      ['COMPLETED', { routeId: WHALE.id, instanceId: rideId(1) }],
    ]);
    expect(await rig.transports.active()).toBe(0);
  });

  it('sends home with CANCELLED STUCK a ride that could not end before 2 × (boarding + travel)', async () => {
    const { rig, failing } = await failingRig('COMPLETED');
    await rig.transports.start(TENANT, WHALE.id, RIDER);
    rig.clock.set(61_000);
    await rig.settle();
    rig.clock.set(121_999); // still an arrival (and still failing) one millisecond before the stuck timeout
    await rig.transports.endings.sweep();
    rig.clock.runDue();
    await rig.settle();
    expect(failing.tries).toBe(2);
    failing.on = false;
    rig.clock.set(122_000);
    await rig.transports.endings.sweep();
    rig.clock.runDue();
    await rig.settle();
    expect((await summary(rig)).slice(2)).toEqual([
      ['CHANGE_MAP', HOME],
      ['CANCELLED', { routeId: WHALE.id, instanceId: rideId(1), reason: 'STUCK' }],
    ]);
    expect(await rig.transports.active()).toBe(0);
  });

  it('stop sends nothing and leaves the ride to the next start, which ends it at its arrival', async () => {
    rig = await instanceRig([WHALE]);
    await rig.transports.start(TENANT, WHALE.id, RIDER);
    rig.transports.stop();
    rig.clock.set(30_000);
    await rig.settle();
    expect((await summary(rig)).map(([type]) => type)).toEqual(['CHANGE_MAP', 'STARTED']);
    expect(await rig.transports.active()).toBe(1);
    const next = rig.replica();
    await next.endings.adopt();
    rig.clock.set(60_999);
    await rig.settle();
    expect(await rig.transports.active()).toBe(1);
    rig.clock.set(61_000);
    await rig.settle();
    expect((await summary(rig)).slice(2).map(([type]) => type)).toEqual(['CHANGE_MAP', 'COMPLETED']);
    next.stop();
  });

  it('refuses a character already riding and an unknown route, changing nothing', async () => {
    rig = await instanceRig([WHALE]);
    await rig.transports.start(TENANT, WHALE.id, RIDER);
    await expect(rig.transports.start(TENANT, WHALE.id, RIDER)).rejects.toMatchObject({
      reason: 'already-riding',
    });
    await expect(
      rig.transports.start(TENANT, rideId(99), { ...RIDER, characterId: 10 }),
    ).rejects.toMatchObject({ reason: 'unknown-route' });
    expect((await rig.sent()).length).toBe(2);
    expect(await rig.transports.active()).toBe(1);
  });
});
