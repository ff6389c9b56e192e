import { describe, expect, it } from 'vitest';
import { createLogger } from '../logging.js';
import { roundRobin } from './kafka-bus.js';

describe('KafkaBus group membership', () => {
  it('offers round-robin under the protocol name kafka-go members offer too', () => {
    const assigner = roundRobin({
      cluster: {} as Parameters<typeof roundRobin>[0]['cluster'],
      groupId: 'Character Service',
      logger: createLogger('silent') as unknown as Parameters<typeof roundRobin>[0]['logger'],
    });
    expect(assigner.name).toBe('roundrobin');
    expect(typeof assigner.assign).toBe('function');
  });
});
