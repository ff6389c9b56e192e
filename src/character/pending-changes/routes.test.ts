import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTHER_TENANT, record, startTestApp, TENANT, type TestApp } from '../../../test/support/app.js';
import { attributesOf, call, createCharacter, setColumns } from '../testing/support.js';
import { uuidV5 } from './saga.js';

const START = Date.UTC(2026, 0, 1);
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ services: ['character'], start: START });
});

afterAll(async () => {
  await t.app.close();
});

interface ChangeDocument {
  data: { type: string; id: string; attributes: Record<string, unknown> };
}
const base = (id: number) => `/characters/${id}/pending-changes`;
const create = (id: number, attributes: Record<string, unknown>, tenant = TENANT) =>
  call(t, 'POST', base(id), { data: { type: 'pending-changes', attributes } }, tenant);
const rename = (id: number, requestedName: string, extra: Record<string, unknown> = {}) =>
  create(id, { type: 'NAME_CHANGE', requestedName, ...extra });
const idOf = (answer: { body: unknown }) => (answer.body as ChangeDocument).data.id;
const errorOf = (body: unknown) => (body as { errors: Array<Record<string, unknown>> }).errors[0];

describe('POST /characters/{id}/pending-changes', () => {
  it("answers HEAD's document and PENDING_CHANGE_CREATED, and takes the coupon with a derived saga id", async () => {
    const id = await createCharacter(t, { name: 'Oldname', worldId: 1 });
    const events = record(t.app, 'EVENT_TOPIC_CHARACTER_PENDING_CHANGE');
    const sagas = record(t.app, 'COMMAND_TOPIC_SAGA');
    const answer = await rename(id, 'Newname', { assetId: 5400000 });
    expect(answer.status).toBe(200);
    const changeId = idOf(answer);
    expect(answer.text).toBe(
      `{"data":{"type":"pending-changes","id":"${changeId}","attributes":{"characterId":${id},` +
        '"type":"NAME_CHANGE","status":"PENDING","requestedName":"Newname","destinationWorldId":0,' +
        '"sourceWorldId":1,"createdAt":"2026-01-01T00:00:00Z","expiresAt":"2026-01-08T00:00:00Z"}}}',
    );
    await t.app.idle();
    const [created] = events.messages;
    const transactionId = (created!.value as { transactionId: string }).transactionId;
    expect(JSON.stringify(created!.value)).toBe(
      `{"transactionId":"${transactionId}","characterId":${id},"worldId":1,"type":"PENDING_CHANGE_CREATED",` +
        `"body":{"pendingChangeId":"${changeId}","changeType":"NAME_CHANGE","requestedName":"Newname",` +
        '"destinationWorldId":0,"expiresAt":"2026-01-08T00:00:00Z"}}',
    );
    const sagaId = uuidV5(changeId, 'pending_change:destroy_asset');
    expect(sagas.messages).toHaveLength(1);
    expect(sagas.messages[0]!.key.toString()).toBe(sagaId);
    expect(JSON.stringify(sagas.messages[0]!.value)).toBe(
      `{"transactionId":"${sagaId}","sagaType":"cash_shop_operation","initiatedBy":"atlas-character/pending_change",` +
        '"steps":[{"stepId":"consume_pending_change_coupon","status":"pending","action":"destroy_asset",' +
        `"payload":{"characterId":${id},"templateId":5400000,"quantity":1,"removeAll":false,"showEffect":false},` +
        '"createdAt":"2026-01-01T00:00:00Z","updatedAt":"2026-01-01T00:00:00Z"}]}',
    );
    await events.stop();
    await sagas.stop();
  });

  it('reserves the name: name-validity says so, creation and rename refuse it, a second request too', async () => {
    const id = await createCharacter(t, { name: 'Holder' });
    const other = await createCharacter(t, { name: 'Rival' });
    expect((await rename(id, 'Wanted')).status).toBe(200);

    const validity = await call(t, 'GET', '/characters/name-validity?name=WANTED&worldId=0');
    expect(validity.text).toBe(
      '{"valid":false,"reason":"reserved","detail":"Name is reserved by a pending name change.","reserved":true}',
    );
    const created = await call(t, 'POST', '/characters', {
      data: { type: 'characters', attributes: { accountId: 9, worldId: 0, name: 'wanted' } },
    });
    expect(errorOf(created.body)).toMatchObject({ status: '400', detail: 'blocked name' });
    const patched = await call(t, 'PATCH', `/characters/${other}`, {
      data: { type: 'characters', attributes: { name: 'Wanted' } },
    });
    expect(patched.status).toBe(400);
    const reserved = await rename(other, 'wAnted');
    expect(reserved.status).toBe(422);
    expect(errorOf(reserved.body)).toMatchObject({
      detail: 'name_reserved',
      source: { pointer: '/data/attributes/requestedName' },
    });
    const again = await rename(id, 'Another');
    expect(again.status).toBe(409);
    expect(errorOf(again.body)).toMatchObject({
      status: '409',
      title: 'Conflict',
      detail: 'already_pending',
    });
  });

  it('refuses a taken or malformed name and an unknown type with 422 naming the field', async () => {
    const id = await createCharacter(t, { name: 'Plain' });
    await createCharacter(t, { name: 'Taken', worldId: 3 });
    expect(errorOf((await rename(id, 'taken')).body)).toMatchObject({ status: '422', detail: 'name_taken' });
    expect(errorOf((await rename(id, 'ab')).body)).toMatchObject({ detail: 'name_invalid_length' });
    expect(errorOf((await rename(id, 'bad name')).body)).toMatchObject({ detail: 'name_invalid_charset' });
    expect(errorOf((await create(id, { type: 'HAIR_CHANGE' })).body)).toMatchObject({
      status: '422',
      detail: 'unknown_change_type',
      source: { pointer: '/data/attributes/type' },
    });
    expect(
      errorOf((await create(id, { type: 'WORLD_TRANSFER', destinationWorldId: 300 })).body),
    ).toMatchObject({
      status: '400',
      source: { pointer: '/data/attributes/destinationWorldId' },
    });
    expect(errorOf((await create(id, { requestedName: 'Xyzzy' })).body)).toMatchObject({
      status: '400',
      source: { pointer: '/data/attributes/type' },
    });
    expect((await rename(999_999, 'Nobody')).status).toBe(404);
    expect((await create(id, { type: 'NAME_CHANGE', requestedName: 'Foreign' }, OTHER_TENANT)).status).toBe(
      404,
    );
  });
});

describe('listing, cancelling and resolving', () => {
  it('lists the records; DELETE cancels once (refund, RESOLVED), then 409; others’ records are not found', async () => {
    const id = await createCharacter(t, { name: 'Lister' });
    const stranger = await createCharacter(t, { name: 'Stranger' });
    const changeId = idOf(await rename(id, 'Listed', { assetId: 5400000 }));
    const listed = await call(t, 'GET', base(id));
    expect((listed.body as { data: ChangeDocument['data'][] }).data.map((c) => c.id)).toEqual([changeId]);

    expect((await call(t, 'DELETE', `${base(stranger)}/${changeId}`)).status).toBe(404);
    expect((await call(t, 'DELETE', `${base(id)}/${changeId}`, undefined, OTHER_TENANT)).status).toBe(404);
    expect(errorOf((await call(t, 'DELETE', `${base(id)}/not-a-uuid`)).body)).toMatchObject({
      status: '400',
      source: { parameter: 'id' },
    });

    const events = record(t.app, 'EVENT_TOPIC_CHARACTER_PENDING_CHANGE');
    const sagas = record(t.app, 'COMMAND_TOPIC_SAGA');
    expect((await call(t, 'DELETE', `${base(id)}/${changeId}`)).status).toBe(204);
    expect((await call(t, 'DELETE', `${base(id)}/${changeId}`)).status).toBe(409);
    await t.app.idle();
    expect(events.messages.map((m) => m.value)).toEqual([
      expect.objectContaining({
        type: 'PENDING_CHANGE_RESOLVED',
        body: {
          pendingChangeId: changeId,
          changeType: 'NAME_CHANGE',
          status: 'CANCELLED',
          reason: 'operator_cancelled',
          requestedName: 'Listed',
          destinationWorldId: 0,
        },
      }),
    ]);
    expect(sagas.messages.map((m) => m.value)).toEqual([
      expect.objectContaining({
        transactionId: uuidV5(changeId, 'pending_change:award_asset'),
        steps: [
          expect.objectContaining({
            stepId: 'refund_pending_change_coupon',
            action: 'award_asset',
            payload: {
              characterId: id,
              item: { templateId: 5400000, quantity: 1, expiration: '0001-01-01T00:00:00Z' },
              showEffect: false,
            },
          }),
        ],
      }),
    ]);
    // The name is free again once the record left PENDING.
    expect((await call(t, 'GET', '/characters/name-validity?name=Listed&worldId=0')).body).toMatchObject({
      valid: true,
    });
    const after = (await call(t, 'GET', base(id))).body as { data: ChangeDocument['data'][] };
    expect(after.data[0]!.attributes).toMatchObject({
      status: 'CANCELLED',
      reason: 'operator_cancelled',
      resolvedAt: '2026-01-01T00:00:00Z',
    });
    await events.stop();
    await sagas.stop();
  });

  it('cancels by type (200 with the record), then 404; a bad type is a 400 naming it', async () => {
    const id = await createCharacter(t, { name: 'Canceller' });
    await rename(id, 'Cancelled');
    const body = (type: unknown) => ({ data: { type: 'pending-changes', attributes: { type } } });
    const cancelled = await call(t, 'POST', `${base(id)}/cancel`, body('NAME_CHANGE'));
    expect(cancelled.status).toBe(200);
    expect((cancelled.body as ChangeDocument).data.attributes).toMatchObject({
      status: 'CANCELLED',
      reason: 'player_cancelled',
    });
    expect((await call(t, 'POST', `${base(id)}/cancel`, body('NAME_CHANGE'))).status).toBe(404);
    expect(errorOf((await call(t, 'POST', `${base(id)}/cancel`, body('NOPE'))).body)).toMatchObject({
      status: '400',
      source: { pointer: '/data/attributes/type' },
    });
  });

  it('resolves APPLIED (coupons consumed) once; a bad status is a 400 naming it', async () => {
    const id = await createCharacter(t, { name: 'Resolver' });
    const changeId = idOf(await create(id, { type: 'WORLD_TRANSFER', destinationWorldId: 4 }));
    const resolve = (status: unknown) =>
      call(t, 'POST', `${base(id)}/${changeId}/resolve`, {
        data: { type: 'pending-changes', attributes: { status, reason: 'saga_done' } },
      });
    expect(errorOf((await resolve('EXPIRED')).body)).toMatchObject({
      status: '400',
      source: { pointer: '/data/attributes/status' },
    });
    const sagas = record(t.app, 'COMMAND_TOPIC_SAGA');
    expect((await resolve('APPLIED')).status).toBe(204);
    expect((await resolve('REJECTED')).status).toBe(409);
    await t.app.idle();
    expect(sagas.messages.map((m) => m.value)).toEqual([
      expect.objectContaining({
        transactionId: uuidV5(changeId, 'pending_change:consume_coupon:5401000'),
        steps: [
          expect.objectContaining({
            stepId: 'consume_world_transfer_coupons',
            action: 'destroy_all_assets',
            payload: { characterId: id, templateId: 5401000, showEffect: false },
          }),
        ],
      }),
    ]);
    await sagas.stop();
  });
});

describe('transfer eligibility and world change', () => {
  const eligibility = (id: number, query: string) =>
    call(t, 'GET', `/characters/${id}/transfer-eligibility${query}`);

  it('answers transfer-eligibilities with the first gate that objects (other services not configured)', async () => {
    const id = await createCharacter(t, { name: 'Traveller', worldId: 1 });
    expect((await eligibility(id, '?destinationWorldId=2')).text).toBe(
      `{"data":{"type":"transfer-eligibilities","id":"${id}","attributes":{"eligible":true}}}`,
    );
    expect((await eligibility(id, '?destinationWorldId=1')).body).toMatchObject({
      data: { attributes: { eligible: false, reason: 'world_same' } },
    });
    await setColumns(t, id, { gm: 1 });
    expect((await eligibility(id, '?destinationWorldId=2')).body).toMatchObject({
      data: { attributes: { eligible: false, reason: 'is_gm' } },
    });
    expect((await call(t, 'GET', `/characters/${id}/transfer-eligibility-independent`)).body).toMatchObject({
      data: { type: 'transfer-eligibilities', attributes: { eligible: false, reason: 'is_gm' } },
    });
    expect(errorOf((await eligibility(id, '')).body)).toMatchObject({
      status: '400',
      source: { parameter: 'destinationWorldId' },
    });
    expect(errorOf((await eligibility(id, '?destinationWorldId=256')).body)).toMatchObject({ status: '400' });
    expect((await eligibility(999_999, '?destinationWorldId=2')).status).toBe(404);
    const refused = await create(id, { type: 'WORLD_TRANSFER', destinationWorldId: 2 });
    expect(errorOf(refused.body)).toMatchObject({ status: '422', detail: 'is_gm' });
  });

  it('moves the character with WORLD_CHANGED on the new world; the same world changes nothing', async () => {
    const id = await createCharacter(t, { name: 'Mover', worldId: 1 });
    const events = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
    const change = (newWorldId: unknown, transactionId?: string) =>
      call(t, 'POST', `/characters/${id}/world-change`, {
        data: { type: 'characters', attributes: { newWorldId, transactionId } },
      });
    expect((await change(5, 'b1b1b1b1-0000-4000-8000-000000000001')).status).toBe(204);
    expect((await change(5)).status).toBe(204);
    expect(errorOf((await change(-1)).body)).toMatchObject({
      status: '400',
      source: { pointer: '/data/attributes/newWorldId' },
    });
    await t.app.idle();
    expect(events.messages.map((m) => JSON.stringify(m.value))).toEqual([
      `{"transactionId":"b1b1b1b1-0000-4000-8000-000000000001","worldId":5,"characterId":${id},` +
        '"type":"WORLD_CHANGED","body":{"oldWorldId":1,"newWorldId":5}}',
    ]);
    expect((await attributesOf(t, id)).worldId).toBe(5);
    const missing = await call(t, 'POST', '/characters/999999/world-change', {
      data: { type: 'characters', attributes: { newWorldId: 1 } },
    });
    expect(missing.status).toBe(404);
    await events.stop();
  });
});
