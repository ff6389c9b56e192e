import { describe, expect, it } from 'vitest';
import { isTopicVariable, resolveTopics, TOPIC_VARIABLES } from './topics.js';

describe('topic names (topic.EnvProvider)', () => {
  it('falls back to the variable name when unset', () => {
    const topics = resolveTopics({});
    for (const variable of TOPIC_VARIABLES) expect(topics[variable]).toBe(variable);
    expect(topics.EVENT_TOPIC_CHARACTER_STATUS).toBe('EVENT_TOPIC_CHARACTER_STATUS');
  });

  it('honours values that are set, and only those', () => {
    const topics = resolveTopics({
      EVENT_TOPIC_CHARACTER_STATUS: 'EVENT_TOPIC_CHARACTER_STATUS-main',
      COMMAND_TOPIC_INSTANCE_TRANSPORT: 'instance-commands',
    });
    expect(topics.EVENT_TOPIC_CHARACTER_STATUS).toBe('EVENT_TOPIC_CHARACTER_STATUS-main');
    expect(topics.COMMAND_TOPIC_INSTANCE_TRANSPORT).toBe('instance-commands');
    expect(topics.COMMAND_TOPIC_CHARACTER).toBe('COMMAND_TOPIC_CHARACTER');
  });

  it('treats an empty or blank value as unset', () => {
    const topics = resolveTopics({ COMMAND_TOPIC_CHARACTER: '', EVENT_TOPIC_MAP_STATUS: '  ' });
    expect(topics.COMMAND_TOPIC_CHARACTER).toBe('COMMAND_TOPIC_CHARACTER');
    expect(topics.EVENT_TOPIC_MAP_STATUS).toBe('EVENT_TOPIC_MAP_STATUS');
  });

  it('covers every topic the two services use', () => {
    for (const name of [
      'COMMAND_TOPIC_CHARACTER',
      'COMMAND_TOPIC_CHARACTER_MOVEMENT',
      'EVENT_TOPIC_CHARACTER_STATUS',
      'EVENT_TOPIC_SESSION_STATUS',
      'EVENT_TOPIC_DROP_STATUS',
      'EVENT_TOPIC_ACCOUNT_STATUS',
      'COMMAND_TOPIC_SKILL',
      'COMMAND_TOPIC_DROP',
      'EVENT_TOPIC_CHANNEL_STATUS',
      'EVENT_TOPIC_MAP_STATUS',
      'COMMAND_TOPIC_INSTANCE_TRANSPORT',
      'EVENT_TOPIC_CONFIGURATION_STATUS',
      'EVENT_TOPIC_TRANSPORT_STATUS',
      'EVENT_TOPIC_INSTANCE_TRANSPORT',
    ]) {
      expect(isTopicVariable(name)).toBe(true);
    }
    expect(isTopicVariable('EVENT_TOPIC_NOPE')).toBe(false);
  });
});
