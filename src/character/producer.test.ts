import { describe, expect, it } from 'vitest';
import { MessageFactory, type OutgoingMessage } from '../platform/bus/messages.js';
import { resolveTopics } from '../platform/topics.js';
import { Events, Producer, type Scope, type StatusEvent, ZERO_TIME } from './producer.js';

/**
 * The exact bytes of every message the service produces (character.md §6.6-6.8, wire.md §2.2-2.4, §3.3):
 * JSON field order and presence, value types, keys and tenant headers. toEqual on parsed values cannot see
 * field order; these comparisons do.
 */
const TX = '5b0e3f9a-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
const NIL = '00000000-0000-0000-0000-000000000000';
const INSTANCE = 'f1e2d3c4-b5a6-4978-8695-a4b3c2d1e0f9';
const scope: Scope = {
  tenant: { id: '083839c6-c47c-42a6-9585-76492795d123', region: 'GMS', majorVersion: 83, minorVersion: 1 },
  transactionId: TX,
};
const producer = new Producer(new MessageFactory(resolveTopics({})));
const text = (m: OutgoingMessage) => m.value.toString('utf8');
const hex = (m: OutgoingMessage) => m.key.toString('hex');

describe('EVENT_TOPIC_CHARACTER_STATUS', () => {
  const event = (e: StatusEvent) => producer.character(scope, 2, 7)(e);
  const envelope = (type: string, body: string) =>
    `{"transactionId":"${TX}","worldId":2,"characterId":7,"type":"${type}","body":${body}}`;

  it.each<[string, StatusEvent, string]>([
    ['CREATED', Events.created('Atlas', 10000, NIL), `{"name":"Atlas","mapId":10000,"instance":"${NIL}"}`],
    ['DELETED', Events.deleted(), '{}'],
    ['LOGIN', Events.login(1, 100000000, NIL), `{"channelId":1,"mapId":100000000,"instance":"${NIL}"}`],
    ['LOGOUT', Events.logout(1, 100000000, NIL), `{"channelId":1,"mapId":100000000,"instance":"${NIL}"}`],
    [
      'CHANNEL_CHANGED',
      Events.channelChanged(2, 1, 100000000, INSTANCE),
      `{"channelId":2,"oldChannelId":1,"mapId":100000000,"instance":"${INSTANCE}"}`,
    ],
    [
      'MAP_CHANGED',
      Events.mapChanged(
        1,
        { mapId: 100000000, instance: NIL },
        { mapId: 104000000, instance: INSTANCE, portalId: 2 },
      ),
      `{"channelId":1,"oldMapId":100000000,"oldInstance":"${NIL}","targetMapId":104000000,` +
        `"targetInstance":"${INSTANCE}","targetPortalId":2}`,
    ],
    ['JOB_CHANGED', Events.jobChanged(1, 110), '{"channelId":1,"jobId":110}'],
    [
      'EXPERIENCE_CHANGED',
      Events.experienceChanged(1, 15, [{ experienceType: 'WHITE', amount: 15, attr1: 0 }]),
      '{"channelId":1,"current":15,"distributions":[{"experienceType":"WHITE","amount":15,"attr1":0}]}',
    ],
    ['LEVEL_CHANGED', Events.levelChanged(1, 2, 12), '{"channelId":1,"amount":2,"current":12}'],
    [
      'MESO_CHANGED',
      Events.mesoChanged(9, 'NPC', -500, false),
      '{"actorId":9,"actorType":"NPC","amount":-500,"showEffect":false}',
    ],
    [
      'MESO_CHANGED',
      Events.mesoChanged(77, 'DROP', 500, true),
      '{"actorId":77,"actorType":"DROP","amount":500,"showEffect":true}',
    ],
    [
      'FAME_CHANGED',
      Events.fameChanged(8, 'CHARACTER', -1),
      '{"actorId":8,"actorType":"CHARACTER","amount":-1}',
    ],
    [
      'STAT_CHANGED',
      Events.statChanged(1, ['AVAILABLE_AP', 'STRENGTH'], { strength: 13, intelligence: 4, dexterity: 5 }),
      '{"channelId":1,"exclRequestSent":true,"updates":["AVAILABLE_AP","STRENGTH"],' +
        '"values":{"dexterity":5,"intelligence":4,"strength":13}}',
    ],
    [
      'STAT_CHANGED',
      Events.statChanged(0, ['MESO']),
      '{"channelId":0,"exclRequestSent":true,"updates":["MESO"]}',
    ],
    ['STAT_CHANGED', Events.statChanged(0, [], {}), '{"channelId":0,"exclRequestSent":true,"updates":[]}'],
    ['NAME_CHANGED', Events.nameChanged('Old', 'New'), '{"oldName":"Old","newName":"New"}'],
    ['HAIR_CHANGED', Events.hairChanged(30030, 30040), '{"oldHair":30030,"newHair":30040}'],
    ['FACE_CHANGED', Events.faceChanged(20000, 20010), '{"oldFace":20000,"newFace":20010}'],
    ['GENDER_CHANGED', Events.genderChanged(1, 0), '{"oldGender":1,"newGender":0}'],
    ['SKIN_COLOR_CHANGED', Events.skinColorChanged(0, 3), '{"oldSkinColor":0,"newSkinColor":3}'],
    ['GM_CHANGED', Events.gmChanged(true, false), '{"oldGm":true,"newGm":false}'],
    [
      'DIED',
      Events.died(1, 100000000),
      '{"channelId":1,"mapId":100000000,"killerId":0,"killerType":"UNKNOWN"}',
    ],
    ['ERROR', Events.notEnoughMeso(-500), '{"error":"NOT_ENOUGH_MESO","amount":-500}'],
    ['ERROR', Events.mesoOverflow(1000), '{"error":"MESO_OVERFLOW","amount":1000}'],
    [
      'ERROR',
      Events.apTransferRefused('STAT_AT_MINIMUM', 'LUCK'),
      '{"error":"STAT_AT_MINIMUM","detail":"LUCK"}',
    ],
  ])('%s', (type, e, body) => {
    const message = event(e);
    expect(message.topic).toBe('EVENT_TOPIC_CHARACTER_STATUS');
    expect(hex(message)).toBe('0700000000000000');
    expect(text(message)).toBe(envelope(type, body));
  });

  it('CREATION_FAILED: character 0, key 0', () => {
    const message = producer.creationFailed(scope, 1, 'Atlas', 'blocked name');
    expect(hex(message)).toBe('0000000000000000');
    expect(text(message)).toBe(
      `{"transactionId":"${TX}","worldId":1,"characterId":0,"type":"CREATION_FAILED",` +
        '"body":{"name":"Atlas","message":"blocked name"}}',
    );
  });

  it('carries the tenant headers in their binary form', () => {
    const { headers } = event(Events.deleted());
    expect(headers.TENANT_ID?.toString('ascii')).toBe(scope.tenant.id);
    expect(headers.REGION?.toString('utf8')).toBe('GMS');
    expect(headers.MAJOR_VERSION?.toString('hex')).toBe('0053');
    expect(headers.MINOR_VERSION?.toString('hex')).toBe('0001');
  });
});

describe('commands', () => {
  const field = { worldId: 0, channelId: 1, mapId: 100000000, instance: INSTANCE };

  it('AWARD_LEVEL on COMMAND_TOPIC_CHARACTER, keyed by character, with the transaction id', () => {
    const message = producer.awardLevel(scope, 0, 7, 1, 2);
    expect(message.topic).toBe('COMMAND_TOPIC_CHARACTER');
    expect(hex(message)).toBe('0700000000000000');
    expect(text(message)).toBe(
      `{"transactionId":"${TX}","worldId":0,"characterId":7,"type":"AWARD_LEVEL","body":{"channelId":1,"amount":2}}`,
    );
  });

  it('drop commands on COMMAND_TOPIC_DROP, keyed by map, without a transaction id', () => {
    const head = `{"worldId":0,"channelId":1,"mapId":100000000,"instance":"${INSTANCE}"`;
    const spawn = producer.spawnMesoDrop(scope, field, 7, 500, -123, 154);
    expect(spawn.topic).toBe('COMMAND_TOPIC_DROP');
    expect(hex(spawn)).toBe('00e1f50500000000');
    expect(text(spawn)).toBe(
      `${head},"type":"SPAWN_FROM_CHARACTER","body":{"itemId":0,"equipmentId":0,"quantity":0,"mesos":500,` +
        '"dropType":2,"x":-123,"y":154,"ownerId":7,"dropperId":7,"dropperX":-123,"dropperY":154,"playerDrop":true}}',
    );
    expect(text(producer.pickUp(scope, field, 77, 7))).toBe(
      `${head},"type":"REQUEST_PICK_UP","body":{"dropId":77,"characterId":7}}`,
    );
    expect(text(producer.cancelReservation(scope, field, 77, 7))).toBe(
      `${head},"type":"CANCEL_RESERVATION","body":{"dropId":77,"characterId":7}}`,
    );
  });

  it('skill commands on COMMAND_TOPIC_SKILL, keyed by character, expiration the Go zero time', () => {
    const message = producer.skill(scope, 7, 'REQUEST_CREATE', {
      skillId: 1000001,
      level: 1,
      masterLevel: 0,
      expiration: ZERO_TIME,
    });
    expect(message.topic).toBe('COMMAND_TOPIC_SKILL');
    expect(hex(message)).toBe('0700000000000000');
    expect(text(message)).toBe(
      '{"characterId":7,"type":"REQUEST_CREATE","body":{"skillId":1000001,"level":1,"masterLevel":0,' +
        '"expiration":"0001-01-01T00:00:00Z"}}',
    );
  });
});
