import { describe, expect, it } from 'vitest';
import type { OutgoingMessage } from '../../platform/bus/messages.js';
import { decode, instanceRig, rigRoute, RIG_TENANT as TENANT } from '../testing/instance-rig.js';

// HEAD #1190: a route's effect items are applied before the boarding warp and cancelled on every terminal path
// of the ride, each exactly once; a route with a forced return ends its travel timer with CANCELLED/TIMEOUT.

const MORPH = 2210016;
const POTION = 2022000;
const RIDER = { characterId: 9, worldId: 0, channelId: 1 };
const AT = { ...RIDER, mapId: 100000000 };
const MORPHED = rigRoute('morphed', { effectItemIds: [MORPH, POTION] });
const FLIGHT = rigRoute('flight', { effectItemIds: [MORPH], forcedReturnMapId: 240000110 });

/** Boards the rider, then runs `end`; returns every message sent, as [type, detail]. */
async function ride(
  route: typeof MORPHED,
  end: (rig: ReturnType<typeof instanceRig>) => Promise<void>,
  publish?: (messages: readonly OutgoingMessage[], sent: OutgoingMessage[]) => Promise<void>,
) {
  const sent: OutgoingMessage[] = [];
  const rig = instanceRig([MORPHED, FLIGHT], async (messages) => {
    if (publish) await publish(messages, sent);
    else sent.push(...messages);
  });
  await rig.transports.start(TENANT, route.id, RIDER);
  await end(rig);
  // Long after: every timer of the ride has had its chance, and the rider leaves and logs out again.
  rig.clock.set(10 * 61_000);
  await rig.settle();
  await rig.transports.mapEntered(TENANT, AT);
  await rig.transports.loggedOut(TENANT, AT);
  await rig.transports.shutdown();
  await rig.settle();
  expect(rig.transports.active()).toBe(0);
  return sent.map((m) => {
    const { type, body } = decode(m);
    const detail = body.itemId ?? body.reason ?? body.mapId ?? '';
    return `${m.topic} ${type} ${detail}`;
  });
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

  it('cancels once at the stuck sweep after an arrival that could not be sent', async () => {
    let failArrival = true;
    const sent = await ride(
      MORPHED,
      async ({ clock, settle }) => {
        clock.set(61_000);
        await settle();
        clock.set(122_000);
        await settle();
      },
      async (messages, out) => {
        if (failArrival && messages.some((m) => decode(m).type === 'COMPLETED')) {
          failArrival = false;
          throw new Error('broker unavailable');
        }
        out.push(...messages);
      },
    );
    expect(sent).toEqual([
      ...APPLY,
      ...CANCEL,
      'COMMAND_TOPIC_CHARACTER CHANGE_MAP 104000000',
      'EVENT_TOPIC_INSTANCE_TRANSPORT CANCELLED STUCK',
    ]);
  });

  it('cancels once at a graceful shutdown, before the warp home', async () => {
    const sent = await ride(MORPHED, ({ transports }) => transports.shutdown());
    expect(sent).toEqual([...APPLY, ...CANCEL, 'COMMAND_TOPIC_CHARACTER CHANGE_MAP 104000000']);
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
    const sent: OutgoingMessage[] = [];
    const rig = instanceRig([plain], async (messages) => {
      sent.push(...messages);
    });
    await rig.transports.start(TENANT, plain.id, RIDER);
    rig.clock.set(61_000);
    await rig.settle();
    expect(sent.map((m) => decode(m).type)).toEqual(['CHANGE_MAP', 'STARTED', 'CHANGE_MAP', 'COMPLETED']);
  });
});
