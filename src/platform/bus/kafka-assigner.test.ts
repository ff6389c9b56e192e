import { AssignerProtocol } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logging.js';
import { topicRoundRobin } from './kafka-assigner.js';

const { MemberMetadata, MemberAssignment } = AssignerProtocol;

type AssignerConfig = Parameters<typeof topicRoundRobin>[0];

/** The two calls the assigner makes of kafkajs's cluster, answering from a fixed partition count per topic. */
function clusterWith(partitions: Record<string, number>) {
  const fetched: string[][] = [];
  const cluster = {
    addMultipleTargetTopics: async (topics: string[]) => {
      fetched.push(topics);
    },
    findTopicPartitionMetadata: (topic: string) =>
      Array.from({ length: partitions[topic] ?? 0 }, (_, partitionId) => ({ partitionId })),
  };
  return { cluster: cluster as unknown as AssignerConfig['cluster'], fetched };
}

function member(memberId: string, topics: string[]) {
  return {
    memberId,
    memberMetadata: MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }),
  };
}

async function assign(partitions: Record<string, number>, members: ReturnType<typeof member>[]) {
  const { cluster, fetched } = clusterWith(partitions);
  const assigner = topicRoundRobin({
    cluster,
    groupId: 'Character Service',
    logger: createLogger('silent') as unknown as AssignerConfig['logger'],
  });
  const result = await assigner.assign({ members, topics: [] });
  const byMember = new Map(
    result.map((r) => [r.memberId, MemberAssignment.decode(r.memberAssignment)?.assignment ?? {}]),
  );
  return { byMember, fetched };
}

describe('topic round-robin assigner', () => {
  it('offers its protocol under the name kafka-go offers too', () => {
    const { cluster } = clusterWith({});
    const assigner = topicRoundRobin({
      cluster,
      groupId: 'g',
      logger: createLogger('silent') as unknown as AssignerConfig['logger'],
    });
    expect(assigner.name).toBe('roundrobin');
    const state = assigner.protocol({ topics: ['a', 'b'] });
    expect(state.name).toBe('roundrobin');
    expect(MemberMetadata.decode(state.metadata)?.topics).toEqual(['a', 'b']);
  });

  it('deals each topic only among the members subscribed to it (a Go member reading one topic)', async () => {
    const { byMember, fetched } = await assign({ commands: 4, movement: 3, sessions: 2 }, [
      member('ts-1', ['commands', 'movement', 'sessions']),
      member('go-1', ['commands']),
    ]);
    expect(byMember.get('go-1')).toEqual({ commands: [0, 2] });
    expect(byMember.get('ts-1')).toEqual({ commands: [1, 3], movement: [0, 1, 2], sessions: [0, 1] });
    // Topics only another member reads have their partitions looked up too.
    expect(fetched).toEqual([['commands', 'movement', 'sessions']]);
  });

  it('gives every partition of every topic exactly one owner, whatever the subscriptions', async () => {
    const partitions = { a: 8, b: 1, c: 5, d: 3 };
    const members = [
      member('m1', ['a', 'b']),
      member('m2', ['a', 'c', 'd']),
      member('m3', ['d']),
      member('m4', ['a', 'b', 'c', 'd']),
    ];
    const { byMember } = await assign(partitions, members);
    for (const [topic, count] of Object.entries(partitions)) {
      const owners = [...byMember].flatMap(([id, owned]) => (owned[topic] ?? []).map((p) => `${p}:${id}`));
      expect(owners.map((o) => Number(o.split(':')[0])).sort((x, y) => x - y)).toEqual([
        ...Array(count).keys(),
      ]);
      for (const owner of owners) {
        const id = owner.split(':')[1]!;
        expect(members.find((m) => m.memberId === id)).toBeDefined();
        const subscribed = MemberMetadata.decode(
          members.find((m) => m.memberId === id)!.memberMetadata,
        )!.topics;
        expect(subscribed).toContain(topic);
      }
    }
  });
});
