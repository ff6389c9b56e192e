import { describe, expect, it } from 'vitest';
import { MessageFactory, type OutgoingMessage } from '../../platform/bus/messages.js';
import { ManualClock } from '../../platform/clock.js';
import { Metrics } from '../../platform/metrics.js';
import { resolveTopics } from '../../platform/topics.js';
import { ChannelRegistry } from '../channels.js';
import { transportMetrics } from '../metrics.js';
import { TransportMessages } from '../producer.js';
import { loadTenant } from '../tenants/loaded-tenant.js';
import { routeId } from '../testing/harness.js';
import { runnerRig } from '../testing/runner-rig.js';
import { sample } from '../testing/sample.js';
import type { RecordedStep, RouteOwnership } from './steps.js';

// Leg A of the boat: boards 00:00, locks 00:04, departs 00:05, arrives 00:15.
const BOAT = routeId('boat-ellinia-orbis');
const at = (time: string) => Date.parse(`2026-02-18T${time}Z`);
const factory = new MessageFactory(resolveTopics({}));
const STATUS_TOPIC = factory.topic('EVENT_TOPIC_TRANSPORT_STATUS');

/** The status events among `outgoing`, as `<route> <type>`. */
function statuses(outgoing: readonly OutgoingMessage[]): string[] {
  return outgoing
    .filter((m) => m.topic === STATUS_TOPIC)
    .map((m) => JSON.parse(m.value.toString('utf8')) as { routeId: string; type: string })
    .map((body) => `${body.routeId} ${body.type}`);
}

/** Turns of the event loop until `done` holds (no time passes on the manual clock meanwhile). */
async function until(done: () => boolean | Promise<boolean>): Promise<void> {
  for (let turn = 0; turn < 1_000; turn++) {
    if (await done()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('never happened');
}

/**
 * A runner whose durable send fails for the boat's departure `failures` times (the database out of reach),
 * then takes it; what was written, as status events in order.
 */
function rig(clock: ManualClock, failures: number, ownership?: RouteOwnership) {
  const metrics = transportMetrics(new Metrics());
  const written: string[] = [];
  const left = { failures };
  // One channel: a route's events go out once per channel.
  const channels = new ChannelRegistry();
  channels.register(sample.tenant.id, { worldId: 0, channelId: 0 });
  const { runner, settle } = runnerRig(clock, new TransportMessages(factory), {
    metrics,
    channels,
    ownership,
    sent: (outgoing) => {
      const events = statuses(outgoing);
      if (left.failures > 0 && events.includes(`${BOAT} DEPARTED`)) {
        left.failures--;
        throw new Error('Connection terminated unexpectedly');
      }
      written.push(...events);
    },
  });
  const retries = async () => (await metrics.sendRetries.get()).values[0]?.value ?? 0;
  return { runner, settle, written, retries, left };
}

/**
 * To the boat's departure at 00:05, through its 00:04 boundary: the manual clock fires only timers armed before
 * it is set, and the runner arms each route's next boundary once the previous one is done.
 */
async function departure(clock: ManualClock, settle: () => Promise<void>): Promise<void> {
  clock.set(at('00:04:00'));
  await settle();
  clock.set(at('00:05:00'));
}

const boatEvents = (written: readonly string[]) =>
  written.filter((event) => event.startsWith(BOAT)).map((event) => event.slice(BOAT.length + 1));

describe('a scheduled route when PostgreSQL fails it', () => {
  it("writes a step's messages once they can be written, the route's later steps after them", async () => {
    const clock = new ManualClock(at('00:01:00'));
    const { runner, settle, written, retries } = rig(clock, 2);
    runner.apply(loadTenant(sample));
    await settle();

    await departure(clock, settle);
    await until(async () => (await retries()) === 1);
    // A second later, the second try fails too; two seconds after it, the third is written.
    clock.set(at('00:05:01'));
    await until(async () => (await retries()) === 2);
    expect(boatEvents(written)).not.toContain('DEPARTED');
    clock.set(at('00:05:03'));
    await settle();
    expect(boatEvents(written)).toEqual(['VOYAGE_DEPARTED', 'DEPARTED']);

    clock.set(at('00:16:00'));
    await settle();
    runner.stop();
    // Nothing lost or said twice, and the arrival after the departure.
    expect(boatEvents(written)).toEqual(['VOYAGE_DEPARTED', 'DEPARTED', 'VOYAGE_ARRIVED']);
    expect(await retries()).toBe(2);
  });

  it('gives up trying when the runner stops, so a stopping process does not wait on the database', async () => {
    const clock = new ManualClock(at('00:01:00'));
    const { runner, settle, written, retries } = rig(clock, Number.POSITIVE_INFINITY);
    runner.apply(loadTenant(sample));
    await settle();
    await departure(clock, settle);
    await until(async () => (await retries()) === 1);
    runner.stop();
    await settle();
    expect(runner.pending()).toBe(0);
    expect(boatEvents(written)).not.toContain('DEPARTED');
  });

  it('gives up trying once another replica drives the route: that one performs the step', async () => {
    const clock = new ManualClock(at('00:01:00'));
    let mine = true;
    const ownership: RouteOwnership = { owns: () => mine, lastSteps: async () => new Map() };
    const { runner, settle, written, retries } = rig(clock, Number.POSITIVE_INFINITY, ownership);
    runner.apply(loadTenant(sample));
    await runner.rebalance();
    await settle();
    await departure(clock, settle);
    await until(async () => (await retries()) === 1);
    mine = false;
    clock.set(at('00:05:01'));
    await settle();
    expect(runner.pending()).toBe(0);
    expect(await retries()).toBe(1);
    expect(boatEvents(written)).not.toContain('DEPARTED');
    runner.stop();
  });

  it('takes its routes over a second after reading their last steps failed, with no membership change', async () => {
    const clock = new ManualClock(at('00:01:00'));
    let reads = 0;
    const ownership: RouteOwnership = {
      owns: () => true,
      lastSteps: async () => {
        reads++;
        if (reads === 1) throw new Error('canceling statement due to statement timeout');
        return new Map<string, RecordedStep>();
      },
    };
    const { runner, settle, written } = rig(clock, 0, ownership);
    runner.apply(loadTenant(sample));
    await runner.rebalance();
    await settle();
    expect(runner.owned()).toBe(0);

    clock.set(at('00:01:01'));
    await settle();
    expect(reads).toBe(2);
    expect(runner.owned()).toBe(12);
    await departure(clock, settle);
    await settle();
    runner.stop();
    expect(boatEvents(written)).toContain('DEPARTED');
  });
});
