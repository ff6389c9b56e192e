import { afterEach, describe, expect, it } from 'vitest';
import type { OutgoingMessage } from '../../platform/bus/messages.js';
import {
  decode,
  type InstanceRig,
  instanceRig,
  rigRoute,
  RIG_TENANT as TENANT,
} from '../testing/instance-rig.js';

// HEAD #1190: a route's effect items are applied before the boarding warp and cancelled on every terminal path
// of the ride, each exactly once; a route with a forced return ends its travel timer with CANCELLED/TIMEOUT.

const MORPH = 2210016;
const POTION = 2022000;
const RIDER = { characterId: 9, worldId: 0, channelId: 1 };
const AT = { ...RIDER, mapId: 100000000 };
const MORPHED = rigRoute('morphed', { effectItemIds: [MORPH, POTION] });
const FLIGHT = rigRoute('flight', { effectItemIds: [MORPH], forcedReturnMapId: 240000110 });

let rigs: InstanceRig[] = [];
afterEach(async () => {
  for (const rig of rigs) {
    rig.transports.stop();
    await rig.close();
  }
  rigs = [];
});

const describeSent = (sent: readonly OutgoingMessage[]) =>
  sent.map((m) => {
    const { type, body } = decode(m);
    const detail = body.itemId ?? body.reason ?? body.mapId ?? '';
    return `${m.topic} ${type} ${detail}`;
  });

/** Boards the rider, then runs `end`; returns every message sent, as "topic type detail". */
async function ride(
  route: typeof MORPHED,
  end: (rig: InstanceRig) => Promise<void>,
  failWrite?: (messages: readonly OutgoingMessage[]) => boolean,
) {
  const rig = await instanceRig([MORPHED, FLIGHT], { failWrite });
  rigs.push(rig);
  await rig.transports.start(TENANT, route.id, RIDER);
  await end(rig);
  // Long after: every ending of the ride has had its chance, and the rider leaves and logs out again.
  rig.clock.set(10 * 61_000);
  await rig.transports.endings.sweep();
  rig.clock.runDue();
  await rig.settle();
  await rig.transports.mapEntered(TENANT, AT);
  await rig.transports.loggedOut(TENANT, AT);
  await rig.settle();
  expect(await rig.transports.active()).toBe(0);
  return describeSent(await rig.sent());
}

const APPLY = [
  `COMMAND_TOPIC_CONSUMABLE APPLY_CONSUMABLE_EFFECT ${MORPH}`,
  `COMMAND_TOPIC_CONSUMABLE APPLY_CONSUMABLE_EFFECT ${POTION}`,
  'COMMAND_TOPIC_CHARACTER CHANGE_MAP 200090060',
  'EVENT_TOPIC_INSTANCE_TRANSPORT STARTED ',
];
const CANCEL = [
  `COMMAND_TOPIC_CONSUMABLE CANCEL_CONSUMABLE_EFFECT ${MORPH}`,
  `COMMAND_TOPIC_CONSUMABLE CANCEL_CONSUMABLE_EFFECT ${POTION}`,
];

describe('transit effects', () => {
  it('applies before the boarding warp and cancels once at arrival, before the warp and COMPLETED', async () => {
    const sent = await ride(MORPHED, async ({ clock, settle }) => {
      clock.set(61_000);
      await settle();
    });
    expect(sent).toEqual([
      ...APPLY,
      ...CANCEL,
      'COMMAND_TOPIC_CHARACTER CHANGE_MAP 140020300',
      'EVENT_TOPIC_INSTANCE_TRANSPORT COMPLETED ',
    ]);
  });

  it('cancels once on a map exit', async () => {
    const sent = await ride(MORPHED, ({ transports }) => transports.mapEntered(TENANT, AT));
    expect(sent).toEqual([...APPLY, ...CANCEL, 'EVENT_TOPIC_INSTANCE_TRANSPORT CANCELLED MAP_EXIT']);
  });

  it('cancels once on logout (buffs outlive a session: the rider would log in morphed)', async () => {
    const sent = await ride(MORPHED, ({ transports }) => transports.loggedOut(TENANT, AT));
    expect(sent).toEqual([...APPLY, ...CANCEL, 'EVENT_TOPIC_INSTANCE_TRANSPORT CANCELLED LOGOUT']);
  });

  it('cancels once at the stuck timeout after an arrival that could not be written', async () => {
    let failing = true;
    const sent = await ride(
      MORPHED,
      async ({ clock, settle, transports }) => {
        clock.set(61_000);
        await settle();
        failing = false;
        clock.set(122_000);
        await transports.endings.sweep();
        clock.runDue();
        await settle();
      },
      (messages) => failing && messages.some((m) => decode(m).type === 'COMPLETED'),
    );
    expect(sent).toEqual([
      ...APPLY,
      ...CANCEL,
      'COMMAND_TOPIC_CHARACTER CHANGE_MAP 104000000',
      'EVENT_TOPIC_INSTANCE_TRANSPORT CANCELLED STUCK',
    ]);
  });

  it('keeps the effect through a stop: the replica that ends the ride cancels it once, at arrival', async () => {
    const sent = await ride(MORPHED, async (rig) => {
      rig.transports.stop();
      const other = rig.replica();
      await other.endings.adopt();
      rig.clock.set(61_000);
      await rig.settle();
      other.stop();
    });
    expect(sent).toEqual([
      ...APPLY,
      ...CANCEL,
      'COMMAND_TOPIC_CHARACTER CHANGE_MAP 140020300',
      'EVENT_TOPIC_INSTANCE_TRANSPORT COMPLETED ',
    ]);
  });

  it('times out a flight with a forced return: cancel, warp to the forced-return map, CANCELLED TIMEOUT', async () => {
    const sent = await ride(FLIGHT, async ({ clock, settle }) => {
      clock.set(60_999);
      await settle();
      clock.set(61_000);
      await settle();
    });
    expect(sent).toEqual([
      `COMMAND_TOPIC_CONSUMABLE APPLY_CONSUMABLE_EFFECT ${MORPH}`,
      'COMMAND_TOPIC_CHARACTER CHANGE_MAP 200090060',
      'EVENT_TOPIC_INSTANCE_TRANSPORT STARTED ',
      `COMMAND_TOPIC_CONSUMABLE CANCEL_CONSUMABLE_EFFECT ${MORPH}`,
      'COMMAND_TOPIC_CHARACTER CHANGE_MAP 240000110',
      'EVENT_TOPIC_INSTANCE_TRANSPORT CANCELLED TIMEOUT',
    ]);
  });

  it('a route without effect items sends no consumable command on any path', async () => {
    const plain = rigRoute('morphed', { effectItemIds: [] });
    const rig = await instanceRig([plain]);
    rigs.push(rig);
    await rig.transports.start(TENANT, plain.id, RIDER);
    rig.clock.set(61_000);
    await rig.settle();
    expect((await rig.sent()).map((m) => decode(m).type)).toEqual([
      'CHANGE_MAP',
      'STARTED',
      'CHANGE_MAP',
      'COMPLETED',
    ]);
  });
});
