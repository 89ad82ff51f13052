import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../../src/domain/webhook-signature.ts';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { sendSignedMessage } from '../helpers/webhook-client.ts';

/** Every failure has one shape, {statusCode, error, message, requestId}, and a bad input names its field. */

const IN_SECRET = 'inbound-secret-0123456789ab';
const RULE = { kind: 'monthlyDay', day: 5, time: '19:30' };

let h: Harness;
let secretary: Record<string, string>;
let villageId: string;
let channelId: string;
let memberId: string;
let counter = 0;

const api = (method: 'GET' | 'POST', url: string, payload?: object, headers: Record<string, string> = h.adminAuth) =>
  h.app.inject({ method, url, headers, payload });
const freshInstant = () => new Date(Date.now() + 30 * 86_400_000 + ++counter * 60_000).toISOString();
const newVillage = (overrides: object = {}) => ({ name: '阳光村', code: '330106001001', meetingRule: RULE, ...overrides });
const newMotion = (overrides: object = {}) => ({ title: '路灯维修', text: '更换十盏路灯', decidingBody: 'villagers_assembly', ...overrides });

async function freshMeeting() {
  const res = await api('POST', `/api/villages/${villageId}/meetings`, { scheduledAt: freshInstant() }, secretary);
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}
async function addMotion(meetingId: string) {
  return api('POST', `/api/meetings/${meetingId}/motions`, newMotion(), secretary);
}

/** Asserts the one error shape; `messagePart` is what the message must mention (e.g. the field). */
function expectError(res: LightMyRequestResponse, statusCode: number, error: string, messagePart?: string) {
  expect(res.statusCode, res.body).toBe(statusCode);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.json();
  expect(Object.keys(body).sort()).toEqual(['error', 'message', 'requestId', 'statusCode']);
  expect(body).toMatchObject({ statusCode, error, message: expect.any(String), requestId: expect.any(String) });
  expect(body.requestId).not.toBe('');
  if (messagePart) expect(body.message).toContain(messagePart);
  return body as { statusCode: number; error: string; message: string; requestId: string };
}

/** Posts `body` to the inbound hook with a valid signature, whatever the body holds. */
function sendSignedRaw(targetChannelId: string, body: string) {
  const timestamp = Math.floor(Date.now() / 1000);
  return h.app.inject({
    method: 'POST',
    url: `/hooks/webhook/${targetChannelId}`,
    headers: { 'content-type': 'application/json', 'x-yangguang-timestamp': String(timestamp), 'x-yangguang-signature': signWebhook(IN_SECRET, timestamp, body) },
    payload: body,
  });
}

beforeAll(async () => {
  h = await createHarness();
  const village = await api('POST', '/api/villages', newVillage());
  expect(village.statusCode, village.body).toBe(201);
  villageId = village.json().id;
  const token = await api('POST', `/api/villages/${villageId}/tokens`, { role: 'secretary' });
  secretary = { authorization: `Bearer ${token.json().token}` };
  const member = await api('POST', `/api/villages/${villageId}/members`, { name: '张三', householdId: 'H-1' }, secretary);
  memberId = member.json().id;
  const channel = await api('POST', `/api/villages/${villageId}/channels`, { platform: 'webhook', name: '村民群', inbound: { secret: IN_SECRET } }, secretary);
  expect(channel.statusCode, channel.body).toBe(201);
  channelId = channel.json().id;
});

afterAll(async () => {
  await h?.close();
});

describe('validation (400) names the field', () => {
  it('a village code that is not 12 digits → body.code', async () => {
    expectError(await api('POST', '/api/villages', newVillage({ code: '123' })), 400, 'Bad Request', 'body.code');
  });

  it('a meeting day of 32 → body.meetingRule.day', async () => {
    expectError(await api('POST', '/api/villages', newVillage({ code: '330106001999', meetingRule: { ...RULE, day: 32 } })), 400, 'Bad Request', 'body.meetingRule.day');
  });

  it('an unknown deciding body → body.decidingBody', async () => {
    const meetingId = await freshMeeting();
    expectError(await api('POST', `/api/meetings/${meetingId}/motions`, newMotion({ decidingBody: 'town_council' }), secretary), 400, 'Bad Request', 'body.decidingBody');
  });

  it('a village id that is not a uuid → params.villageId', async () => {
    expectError(await api('GET', '/api/villages/not-a-uuid'), 400, 'Bad Request', 'params.villageId');
  });

  it('malformed JSON → 400', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/api/villages', headers: { ...h.adminAuth, 'content-type': 'application/json' }, payload: '{"name": "阳光村",' });
    expectError(res, 400, 'Bad Request');
  });
});

describe('not found (404)', () => {
  it('an unknown route answers JSON', async () => {
    expectError(await api('GET', '/api/nowhere'), 404, 'Not Found', '/api/nowhere');
  });

  it('an unknown village (a valid uuid)', async () => {
    const unknown = randomUUID();
    expectError(await api('GET', `/api/villages/${unknown}`), 404, 'Not Found', unknown);
  });
});

describe('conflicts (409)', () => {
  it('a duplicate village code', async () => {
    expectError(await api('POST', '/api/villages', newVillage({ name: '另一个村' })), 409, 'Conflict', 'body.code');
  });

  it('a chat identity bound twice', async () => {
    const url = `/api/villages/${villageId}/members/${memberId}/identities`;
    const identity = { platform: 'webhook', externalId: 'wx-zhang' };
    expect((await api('POST', url, identity, secretary)).statusCode).toBe(201);
    expectError(await api('POST', url, identity, secretary), 409, 'Conflict', 'body.externalId');
  });

  it('a motion added after the agenda was posted', async () => {
    const meetingId = await freshMeeting();
    expect((await addMotion(meetingId)).statusCode).toBe(201);
    expect((await api('POST', `/api/meetings/${meetingId}/agenda/post`, undefined, secretary)).statusCode).toBe(202);
    expectError(await addMotion(meetingId), 409, 'Conflict', '议程已经发布');
    expect(await h.core.db.motion.count({ where: { meetingId } })).toBe(1);
  });

  it('closing a motion still in draft', async () => {
    const motion = await addMotion(await freshMeeting());
    expectError(await api('POST', `/api/motions/${motion.json().id}/close`, undefined, secretary), 409, 'Conflict', 'not been opened');
    expect((await h.core.db.motion.findUniqueOrThrow({ where: { id: motion.json().id } })).status).toBe('draft');
  });
});

describe('inbound chat hook', () => {
  it('an unknown channel → 404', async () => {
    const unknown = randomUUID();
    expectError(await sendSignedMessage(h.app, unknown, IN_SECRET, { messageId: 'm1', senderId: 'wx-zhang', text: '1号同意' }), 404, 'Not Found', unknown);
  });

  it('a correctly signed body without senderId → 400 naming body.senderId, and nothing is stored', async () => {
    const logBefore = await h.core.db.decisionLogEntry.count({ where: { villageId } });
    const res = await sendSignedRaw(channelId, JSON.stringify({ messageId: 'm2', text: '1号同意' }));
    expectError(res, 400, 'Bad Request', 'body.senderId');
    expect(await h.core.db.inboundMessage.count({ where: { channelId } })).toBe(0);
    expect(await h.core.db.decisionLogEntry.count({ where: { villageId } })).toBe(logBefore);
  });
});
