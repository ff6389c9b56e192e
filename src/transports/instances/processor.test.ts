import { describe, expect, it } from 'vitest';
import type { OutgoingMessage } from '../../platform/bus/messages.js';
import { decode, instanceRig, rigRoute, RIG_TENANT as TENANT } from '../testing/instance-rig.js';

const setup = (publish: (messages: readonly OutgoingMessage[]) => Promise<void>) =>
  instanceRig([rigRoute('whale')], publish);

describe('instance ride safety net', () => {
  it('sends a ride whose arrival could not be sent back home at 2 × (boarding + travel) with CANCELLED STUCK', async () => {
    const sent: OutgoingMessage[] = [];
    let failArrival = true;
    const { clock, transports, settle } = setup(async (messages) => {
      if (failArrival && messages.some((m) => decode(m).type === 'COMPLETED')) {
        failArrival = false;
        throw new Error('broker unavailable');
      }
      sent.push(...messages);
    });
    await transports.start(TENANT, 'whale', { characterId: 9, worldId: 0, channelId: 1 });
    sent.splice(0);
    clock.set(61_000);
    await settle();
    expect(sent).toEqual([]);
    expect(transports.active()).toBe(1);
    clock.set(121_999);
    await settle();
    expect(sent).toEqual([]);
    clock.set(122_000);
    await settle();
    expect(sent.map((m) => [decode(m).type, decode(m).body])).toEqual([
      [
        'CHANGE_MAP',
        { channelId: 1, mapId: 104000000, instance: '00000000-0000-0000-0000-000000000000', portalId: 0 },
      ],
      ['CANCELLED', { routeId: 'whale', instanceId: 'ride-1', reason: 'STUCK' }],
    ]);
    expect(transports.active()).toBe(0);
  });

  it('does not send home at shutdown a ride whose arrival is being sent', async () => {
    const sent: OutgoingMessage[] = [];
    let arrive = () => {};
    const { clock, transports, settle } = setup(async (messages) => {
      if (messages.some((m) => decode(m).type === 'COMPLETED')) {
        await new Promise<void>((resolve) => {
          arrive = resolve;
        });
      }
      sent.push(...messages);
    });
    await transports.start(TENANT, 'whale', { characterId: 9, worldId: 0, channelId: 1 });
    sent.splice(0);
    clock.set(61_000); // the arrival's messages are on their way
    await transports.shutdown();
    arrive();
    await settle();
    expect(sent.map((m) => [decode(m).type, decode(m).body.mapId])).toEqual([
      ['CHANGE_MAP', 140020300],
      ['COMPLETED', undefined],
    ]);
    expect(transports.active()).toBe(0);
  });
});
