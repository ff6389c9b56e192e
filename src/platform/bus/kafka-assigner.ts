import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';

const { MemberMetadata, MemberAssignment } = AssignerProtocol;

/** Which members want which topic, read from the metadata each member sent when it joined. */
export function subscribersByTopic(
  members: readonly { memberId: string; memberMetadata: Buffer }[],
): Map<string, string[]> {
  const byTopic = new Map<string, string[]>();
  for (const { memberId, memberMetadata } of members) {
    const { topics } = MemberMetadata.decode(memberMetadata) ?? { topics: [] };
    for (const topic of topics) {
      const list = byTopic.get(topic) ?? [];
      list.push(memberId);
      byTopic.set(topic, list);
    }
  }
  for (const list of byTopic.values()) list.sort();
  return byTopic;
}

/**
 * Deals every partition of a topic round-robin among the members subscribed to THAT topic only.
 *
 * Why not kafkajs's own round-robin: it deals the leader's topics over every member, subscribed or not, and a
 * member handed a topic it did not subscribe to drops it ("received unsubscribed topics") — those partitions
 * are then read by nobody. The Go services (kafka-go) run one reader per topic in one group, so a group that
 * mixes Go and atlas-ts members has members with different subscriptions; kafka-go's balancers deal each topic
 * among its own subscribers, and so does this one, under the protocol name Go offers ("roundrobin"), so that
 * whichever member leads, every partition of every topic has exactly one reader.
 *
 * The partition counts of topics only other members subscribe to are fetched here: the leader's metadata holds
 * only its own topics.
 */
export const topicRoundRobin: PartitionAssigner = ({ cluster }) => ({
  name: 'roundrobin',
  version: 0,
  async assign({ members }) {
    const byTopic = subscribersByTopic(members);
    const topics = [...byTopic.keys()].sort();
    await cluster.addMultipleTargetTopics(topics);
    const assignment = new Map<string, Record<string, number[]>>();
    for (const member of members) assignment.set(member.memberId, {});
    for (const topic of topics) {
      const subscribers = byTopic.get(topic)!;
      const partitions = cluster
        .findTopicPartitionMetadata(topic)
        .map((p) => p.partitionId)
        .sort((a, b) => a - b);
      partitions.forEach((partition, i) => {
        const owned = assignment.get(subscribers[i % subscribers.length]!)!;
        owned[topic] = [...(owned[topic] ?? []), partition];
      });
    }
    return [...assignment].map(([memberId, owned]) => ({
      memberId,
      memberAssignment: MemberAssignment.encode({ version: 0, assignment: owned, userData: Buffer.alloc(0) }),
    }));
  },
  protocol({ topics }) {
    return {
      name: 'roundrobin',
      metadata: MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }),
    };
  },
});
