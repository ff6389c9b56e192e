import { describe, expect, it } from 'vitest';
import { MessageFactory, type OutgoingMessage } from '../../platform/bus/messages.js';
import { ManualClock } from '../../platform/clock.js';
import { resolveTopics } from '../../platform/topics.js';
import { ChannelRegistry } from '../channels.js';
import { controlOverlay } from '../core/controls.js';
import { TransportMessages } from '../producer.js';
import { type LoadedTenant, loadTenant } from '../tenants/loaded-tenant.js';
import { routeId } from '../testing/harness.js';
import { runnerRig } from '../testing/runner-rig.js';
import { sample } from '../testing/sample.js';
import { type RecordedStep, stepTopic } from './steps.js';

// Leg A of the boat: boards 00:00, locks 00:04, departs 00:05, arrives 00:15.
const BOAT = routeId('boat-ellinia-orbis');
const at = (time: string) => Date.parse(`2026-02-18T${time}Z`);
const factory = new MessageFactory(resolveTopics({}));
const STATUS_TOPIC = factory.topic('EVENT_TOPIC_TRANSPORT_STATUS');

/**
 * A replica taking every route over at `now`, the boat's last step recorded as `last` by the replica that drove
 * it before; the boat's status events it sends, in order.
 */
async function takeOver(loaded: LoadedTenant, last: RecordedStep, now: number): Promise<string[]> {
  const clock = new ManualClock(now);
  const channels = new ChannelRegistry();
  channels.register(loaded.tenant.id, { worldId: 0, channelId: 0 });
  const events: string[] = [];
  const { runner, settle } = runnerRig(clock, new TransportMessages(factory), {
    channels,
    ownership: {
      owns: () => true,
      lastSteps: async () => new Map([[stepTopic(loaded.tenant.id, BOAT), last]]),
    },
    sent: (outgoing: readonly OutgoingMessage[]) => {
      for (const m of outgoing.filter((message) => message.topic === STATUS_TOPIC)) {
        const body = JSON.parse(m.value.toString('utf8')) as { routeId: string; type: string };
        if (body.routeId === BOAT) events.push(body.type);
      }
    },
  });
  runner.apply(loaded);
  await runner.rebalance();
  await settle();
  runner.stop();
  return events;
}

describe('a route taken over from its last recorded step', () => {
  it('keeps the recorded state at its instant where its own schedule says otherwise (a control not learned yet)', async () => {
    // The last owner forced the boat out at 00:02 and recorded the departure; this replica has not read that
    // control yet, so its timetable has the boat boarding at 00:02.
    const events = await takeOver(
      loadTenant(sample),
      { state: 'in_transit', at: at('00:02:00') },
      at('00:02:04'),
    );
    // No second, contradicting step at 00:02 (the boat back at the dock, its passengers put ashore at sea).
    expect(events).toEqual([]);
  });

  it('announces a departure held longer than the catch-up horizon, released just before the takeover', async () => {
    // Held from 00:02, released at 00:30: locked at 00:04 (which records nothing), departing at 00:30.
    const loaded = loadTenant(sample);
    const own = loaded.schedules.get(BOAT)!;
    const controls = { released: { since: at('00:02:00'), at: at('00:30:00') } };
    const overlay = controlOverlay({ timetable: own.timetable, controls })!;
    const held = { ...loaded, schedules: new Map(loaded.schedules).set(BOAT, { ...own, overlay }) };
    // The boat's last step is its arrival at the dock at 00:00; its driver died as it released the boat.
    const events = await takeOver(held, { state: 'open_entry', at: at('00:00:00') }, at('00:30:04'));
    expect(events).toEqual(['VOYAGE_DEPARTED', 'DEPARTED']);
  });
});
