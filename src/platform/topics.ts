/**
 * Every topic is named by an environment variable; when the variable is unset the variable's own name is the
 * topic (exactly the reference's fallback, and the value every Atlas deployment at 1ec uses).
 */
export const TOPIC_VARIABLES = [
  'COMMAND_TOPIC_CHARACTER',
  'COMMAND_TOPIC_CHARACTER_MOVEMENT',
  // HEAD: atlas-channel asks the location owner (atlas-maps, or presence) to move a character's channel.
  'COMMAND_TOPIC_CHARACTER_CHANNEL_CHANGE_REQUEST',
  'COMMAND_TOPIC_CHANNEL_STATUS',
  'COMMAND_TOPIC_CONSUMABLE',
  'COMMAND_TOPIC_DROP',
  'COMMAND_TOPIC_INSTANCE_TRANSPORT',
  'COMMAND_TOPIC_SKILL',
  'COMMAND_TOPIC_SAGA',
  'COMMAND_TOPIC_TELEPORT_ROCK',
  'EVENT_TOPIC_ACCOUNT_STATUS',
  'EVENT_TOPIC_CHANNEL_STATUS',
  'EVENT_TOPIC_CHARACTER_STATUS',
  'EVENT_TOPIC_CHARACTER_PENDING_CHANGE',
  'EVENT_TOPIC_CONFIGURATION_STATUS',
  'EVENT_TOPIC_DROP_STATUS',
  'EVENT_TOPIC_INSTANCE_TRANSPORT',
  'EVENT_TOPIC_MAP_STATUS',
  'EVENT_TOPIC_SESSION_STATUS',
  'EVENT_TOPIC_TELEPORT_ROCK_STATUS',
  'EVENT_TOPIC_TRANSPORT_STATUS',
] as const;

export type TopicVariable = (typeof TOPIC_VARIABLES)[number];

export type Topics = Readonly<Record<TopicVariable, string>>;

export function isTopicVariable(name: string): name is TopicVariable {
  return (TOPIC_VARIABLES as readonly string[]).includes(name);
}

export function resolveTopics(env: Record<string, string | undefined>): Topics {
  const topics = {} as Record<TopicVariable, string>;
  for (const variable of TOPIC_VARIABLES) {
    const value = env[variable]?.trim();
    topics[variable] = value ? value : variable;
  }
  return topics;
}
