import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.ts';

/**
 * Every route's access rule, derived from src/routes: admin-only (create village, issue tokens),
 * secretary (writes, channels, deliveries), any village role (reads), committee+secretary (live log).
 * Admins may act in every village; a village token is refused in any other village.
 */

type VillageRole = 'secretary' | 'committee' | 'accountant';
type Headers = Record<string, string>;
interface Req {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  payload?: object | Buffer;
  contentType?: string;
}
interface Village {
  id: string;
  tokens: Record<VillageRole, Headers>;
}
/** The part of the client `ws` socket these tests use (the project has no @types/ws). */
interface LiveSocket {
  once(event: 'message', listener: (data: Buffer) => void): unknown;
  terminate(): void;
}
interface RouteRule {
  route: string;
  /** the village roles the route admits (the admin is always admitted) */
  allowed: readonly VillageRole[];
  /** status of a successful call */
  success: number;
  /** builds the request afresh each time, so successful state changes never collide with later cases */
  request: () => Promise<Req>;
}

const ROLES: readonly VillageRole[] = ['secretary', 'committee', 'accountant'];
const ADMIN_ONLY: readonly VillageRole[] = [];
const SECRETARY: readonly VillageRole[] = ['secretary'];
const ACCOUNTANT: readonly VillageRole[] = ['accountant'];
const COMMITTEE: readonly VillageRole[] = ['committee'];
const ANY: readonly VillageRole[] = ROLES;
const OUT_SECRET = 'outbound-secret-0123456789';
const IN_SECRET = 'inbound-secret-0123456789ab';
const bearer = (token: string): Headers => ({ authorization: `Bearer ${token}` });

let h: Harness;
let A: Village;
let B: Village;
let memberA: string;
let meetingA: string;
let motionA: string;
let counter = 0;
const next = () => ++counter;

const api = (headers: Headers, { method, url, payload, contentType }: Req) =>
  h.app.inject({ method, url, headers: contentType ? { ...headers, 'content-type': contentType } : headers, payload });
const asAdmin = async (req: Req, status: number) => {
  const res = await api(h.adminAuth, req);
  expect(res.statusCode, res.body).toBe(status);
  return res.json();
};

/** A distinct future instant per call: meetings are unique per (village, scheduledAt). */
const freshInstant = () => new Date(Date.now() + 30 * 86_400_000 + next() * 60_000).toISOString();
const newChannel = () => ({ platform: 'webhook', name: `村民群${next()}`, outbound: { url: 'http://127.0.0.1:9/', secret: OUT_SECRET }, inbound: { secret: IN_SECRET } });
const newMotion = () => ({ title: `议题${next()}`, text: '具体方案', decidingBody: 'villagers_assembly' });

async function createVillage(name: string): Promise<Village> {
  const village = await asAdmin({ method: 'POST', url: '/api/villages', payload: { name, code: villageCode(), meetingRule: { kind: 'monthlyDay', day: 5, time: '19:30' } } }, 201);
  const tokens = {} as Record<VillageRole, Headers>;
  for (const role of ROLES) tokens[role] = bearer((await asAdmin({ method: 'POST', url: `/api/villages/${village.id}/tokens`, payload: { role } }, 201)).token);
  return { id: village.id, tokens };
}
const villageCode = () => `3301060${String(next()).padStart(5, '0')}`;

/** A scheduled meeting of village A with one draft motion, made by the admin. */
async function freshMeeting() {
  const meeting = await asAdmin({ method: 'POST', url: `/api/villages/${A.id}/meetings`, payload: { scheduledAt: freshInstant() } }, 201);
  const motion = await asAdmin({ method: 'POST', url: `/api/meetings/${meeting.id}/motions`, payload: newMotion() }, 201);
  return { meetingId: meeting.id as string, motionId: motion.id as string };
}

/** A motion of village A that is open for votes (its agenda was posted). */
async function freshOpenMotion() {
  const { meetingId, motionId } = await freshMeeting();
  await asAdmin({ method: 'POST', url: `/api/meetings/${meetingId}/agenda/post` }, 202);
  return motionId;
}

/** A fresh month of village A's ledger, imported by the admin: each call a month of its own. */
let month = 0;
async function freshPeriod() {
  month += 1;
  const period = `${2000 + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}`;
  await asAdmin(importRequest(period), 201);
  return period;
}
function importRequest(period: string): Req {
  const csv = `日期,凭证号,科目编码,科目名称,摘要,收入,支出\n${period}-01,,,,期初余额,100.00,\n${period}-02,记-1,501,经营收入,出租仓库,50.00,\n`;
  return { method: 'POST', url: `/api/villages/${A.id}/finance/imports?entity=collective`, payload: Buffer.from(csv), contentType: 'text/csv' };
}
async function freshDisclosure(until: 'draft' | 'confirmed' | 'approved') {
  const period = await freshPeriod();
  const stepUrl = (step: string) => `/api/villages/${A.id}/finance/disclosures/${period}/${step}?entity=collective`;
  if (until !== 'draft') await asAdmin({ method: 'POST', url: stepUrl('confirm'), payload: { name: '李会计' } }, 200);
  if (until === 'approved') await asAdmin({ method: 'POST', url: stepUrl('approve'), payload: { name: '赵监督' } }, 200);
  return stepUrl;
}
const disclosureUrl = async (suffix = '') => `/api/villages/${A.id}/finance/disclosures/${await freshPeriod()}${suffix}?entity=collective`;
/** A 成员大会 motion of village A with two adult members of one household, for a written proxy. */
async function freshProxy() {
  const { meetingId } = await freshMeeting();
  const motion = await asAdmin({ method: 'POST', url: `/api/meetings/${meetingId}/motions`, payload: { ...newMotion(), decidingBody: 'members_assembly' } }, 201);
  const household = `HH-${next()}`;
  const [grantorId, holderId] = await Promise.all(
    ['甲', '乙'].map(async (n) => (await asAdmin({ method: 'POST', url: `/api/villages/${A.id}/members`, payload: { name: n, householdId: household, roles: ['villager', 'collective_member'] } }, 201)).id as string),
  );
  return { method: 'POST' as const, url: `/api/motions/${motion.id}/proxies`, payload: { grantorId, holderId } };
}
async function freshIdentity() {
  const identity = await asAdmin({ method: 'POST', url: `/api/villages/${A.id}/members/${memberA}/identities`, payload: { platform: 'webhook', externalId: `wx-${next()}` } }, 201);
  return `/api/villages/${A.id}/members/${memberA}/identities/${identity.id}`;
}

function expectUnauthorized(res: LightMyRequestResponse) {
  expect(res.statusCode, res.body).toBe(401);
  expect(res.json()).toMatchObject({ statusCode: 401, error: 'Unauthorized', message: expect.any(String), requestId: expect.any(String) });
}
function expectForbidden(res: LightMyRequestResponse, messagePart: string) {
  expect(res.statusCode, res.body).toBe(403);
  expect(res.json()).toMatchObject({ statusCode: 403, error: 'Forbidden', message: expect.stringContaining(messagePart), requestId: expect.any(String) });
}

const ROUTES: RouteRule[] = [
  { route: 'POST /api/villages', allowed: ADMIN_ONLY, success: 201, request: async () => ({ method: 'POST', url: '/api/villages', payload: { name: '新村', code: villageCode(), meetingRule: { kind: 'monthlyDay', day: 10, time: '19:00' } } }) },
  { route: 'GET /api/villages/:villageId', allowed: ANY, success: 200, request: async () => ({ method: 'GET', url: `/api/villages/${A.id}` }) },
  { route: 'POST /api/villages/:villageId/tokens', allowed: ADMIN_ONLY, success: 201, request: async () => ({ method: 'POST', url: `/api/villages/${A.id}/tokens`, payload: { role: 'committee' } }) },
  { route: 'POST /api/villages/:villageId/members', allowed: SECRETARY, success: 201, request: async () => ({ method: 'POST', url: `/api/villages/${A.id}/members`, payload: { name: '赵六', householdId: `H-${next()}` } }) },
  { route: 'GET /api/villages/:villageId/members', allowed: ANY, success: 200, request: async () => ({ method: 'GET', url: `/api/villages/${A.id}/members` }) },
  { route: 'POST /api/villages/:villageId/members/:memberId/identities', allowed: SECRETARY, success: 201, request: async () => ({ method: 'POST', url: `/api/villages/${A.id}/members/${memberA}/identities`, payload: { platform: 'webhook', externalId: `wx-${next()}` } }) },
  { route: 'POST /api/villages/:villageId/channels', allowed: SECRETARY, success: 201, request: async () => ({ method: 'POST', url: `/api/villages/${A.id}/channels`, payload: newChannel() }) },
  { route: 'GET /api/villages/:villageId/channels', allowed: SECRETARY, success: 200, request: async () => ({ method: 'GET', url: `/api/villages/${A.id}/channels` }) },
  { route: 'GET /api/villages/:villageId/deliveries', allowed: SECRETARY, success: 200, request: async () => ({ method: 'GET', url: `/api/villages/${A.id}/deliveries` }) },
  { route: 'GET /api/villages/:villageId/meetings', allowed: ANY, success: 200, request: async () => ({ method: 'GET', url: `/api/villages/${A.id}/meetings` }) },
  { route: 'POST /api/villages/:villageId/meetings', allowed: SECRETARY, success: 201, request: async () => ({ method: 'POST', url: `/api/villages/${A.id}/meetings`, payload: { scheduledAt: freshInstant() } }) },
  { route: 'POST /api/meetings/:meetingId/motions', allowed: SECRETARY, success: 201, request: async () => ({ method: 'POST', url: `/api/meetings/${meetingA}/motions`, payload: newMotion() }) },
  { route: 'POST /api/meetings/:meetingId/agenda/post', allowed: SECRETARY, success: 202, request: async () => ({ method: 'POST', url: `/api/meetings/${(await freshMeeting()).meetingId}/agenda/post` }) },
  { route: 'GET /api/motions/:motionId', allowed: ANY, success: 200, request: async () => ({ method: 'GET', url: `/api/motions/${motionA}` }) },
  { route: 'POST /api/motions/:motionId/close', allowed: SECRETARY, success: 200, request: async () => ({ method: 'POST', url: `/api/motions/${await freshOpenMotion()}/close` }) },
  { route: 'GET /api/villages/:villageId/log', allowed: ANY, success: 200, request: async () => ({ method: 'GET', url: `/api/villages/${A.id}/log` }) },
  { route: 'GET /api/villages/:villageId/log/verify', allowed: ANY, success: 200, request: async () => ({ method: 'GET', url: `/api/villages/${A.id}/log/verify` }) },
  { route: 'DELETE /api/villages/:villageId/members/:memberId/identities/:identityId', allowed: SECRETARY, success: 204, request: async () => ({ method: 'DELETE', url: await freshIdentity() }) },
  { route: 'POST /api/villages/:villageId/members/:memberId/binding-code', allowed: SECRETARY, success: 201, request: async () => ({ method: 'POST', url: `/api/villages/${A.id}/members/${memberA}/binding-code` }) },
  { route: 'POST /api/meetings/:meetingId/attendance', allowed: SECRETARY, success: 200, request: async () => ({ method: 'POST', url: `/api/meetings/${meetingA}/attendance`, payload: { memberId: memberA } }) },
  { route: 'GET /api/meetings/:meetingId/attendance', allowed: ANY, success: 200, request: async () => ({ method: 'GET', url: `/api/meetings/${meetingA}/attendance` }) },
  { route: 'POST /api/motions/:motionId/proxies', allowed: SECRETARY, success: 201, request: freshProxy },
  { route: 'POST /api/villages/:villageId/finance/imports', allowed: ACCOUNTANT, success: 201, request: async () => importRequest(`${1900 + next()}-06`) },
  { route: 'GET /api/villages/:villageId/finance/disclosures/:period', allowed: ANY, success: 200, request: async () => ({ method: 'GET', url: await disclosureUrl() }) },
  { route: 'GET /api/villages/:villageId/finance/disclosures/:period/sheet.pdf', allowed: ANY, success: 200, request: async () => ({ method: 'GET', url: await disclosureUrl('/sheet.pdf') }) },
  { route: 'POST …/finance/disclosures/:period/confirm', allowed: ACCOUNTANT, success: 200, request: async () => ({ method: 'POST', url: (await freshDisclosure('draft'))('confirm'), payload: { name: '李会计' } }) },
  { route: 'POST …/finance/disclosures/:period/approve', allowed: COMMITTEE, success: 200, request: async () => ({ method: 'POST', url: (await freshDisclosure('confirmed'))('approve'), payload: { name: '赵监督' } }) },
  { route: 'POST …/finance/disclosures/:period/reject', allowed: COMMITTEE, success: 200, request: async () => ({ method: 'POST', url: (await freshDisclosure('confirmed'))('reject'), payload: { name: '赵监督', reason: '缺少发票' } }) },
  { route: 'POST …/finance/disclosures/:period/publish', allowed: SECRETARY, success: 200, request: async () => ({ method: 'POST', url: (await freshDisclosure('approved'))('publish'), payload: { name: '王书记' } }) },
];

beforeAll(async () => {
  h = await createHarness(); // no workers: nothing is pushed to the channel's (unroutable) URL
  A = await createVillage('阳光村');
  B = await createVillage('月亮村');
  memberA = (await asAdmin({ method: 'POST', url: `/api/villages/${A.id}/members`, payload: { name: '张三', householdId: 'H-1' } }, 201)).id;
  await asAdmin({ method: 'POST', url: `/api/villages/${A.id}/channels`, payload: newChannel() }, 201);
  ({ meetingId: meetingA, motionId: motionA } = await freshMeeting());
});

afterAll(async () => {
  await h?.close();
});

for (const rule of ROUTES) {
  describe(rule.route, () => {
    it('answers 401 without a token', async () => {
      expectUnauthorized(await api({}, await rule.request()));
    });

    it('answers 401 for a token it does not know', async () => {
      expectUnauthorized(await api(bearer('yg_not-a-real-token'), await rule.request()));
    });

    for (const role of ROLES) {
      if (rule.allowed.includes(role)) {
        it(`lets the ${role} of village A in (${rule.success})`, async () => {
          const res = await api(A.tokens[role], await rule.request());
          expect(res.statusCode, res.body).toBe(rule.success);
        });
        it(`answers 403 to the ${role} of village B`, async () => {
          expectForbidden(await api(B.tokens[role], await rule.request()), 'another village');
        });
      } else {
        it(`answers 403 to the ${role} of village A`, async () => {
          expectForbidden(await api(A.tokens[role], await rule.request()), `Role "${role}"`);
        });
      }
    }

    it(`lets the admin in (${rule.success})`, async () => {
      const res = await api(h.adminAuth, await rule.request());
      expect(res.statusCode, res.body).toBe(rule.success);
    });
  });
}

describe('GET /api/villages/:villageId/live (WebSocket)', () => {
  /** Opens the live log of village A and returns its first message; rejects with "Unexpected server response: <status>". */
  async function firstLiveMessage(headers: Headers) {
    let first: Promise<unknown> = Promise.resolve(undefined);
    const ws = await h.app.injectWS(`/api/villages/${A.id}/live`, { headers }, {
      onInit: (socket: LiveSocket) => {
        first = new Promise((resolve) => socket.once('message', (data: Buffer) => resolve(JSON.parse(data.toString()))));
      },
    });
    try {
      return await first;
    } finally {
      ws.terminate();
    }
  }
  const refused = (headers: Headers, status: number) =>
    expect(firstLiveMessage(headers)).rejects.toThrow(`Unexpected server response: ${status}`);

  it('refuses an upgrade without a token with 401', async () => {
    await refused({}, 401);
  });

  it('refuses an upgrade with an unknown token with 401', async () => {
    await refused(bearer('yg_not-a-real-token'), 401);
  });

  for (const role of ['committee', 'secretary'] as const) {
    it(`subscribes the ${role} of village A`, async () => {
      expect(await firstLiveMessage(A.tokens[role])).toEqual({ type: 'subscribed', villageId: A.id });
    });
    it(`refuses the ${role} of village B with 403`, async () => {
      await refused(B.tokens[role], 403);
    });
  }

  it('refuses the accountant of village A with 403', async () => {
    await refused(A.tokens.accountant, 403);
  });

  it('subscribes the admin', async () => {
    expect(await firstLiveMessage(h.adminAuth)).toEqual({ type: 'subscribed', villageId: A.id });
  });
});

describe('lookups happen after authentication', () => {
  it('answers 401, not 404, to an anonymous caller asking for an unknown meeting or motion', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const [method, url] of [['GET', `/api/motions/${unknown}`], ['POST', `/api/motions/${unknown}/close`], ['POST', `/api/meetings/${unknown}/agenda/post`]] as const) {
      const res = await h.app.inject({ method, url });
      expect(res.statusCode, url).toBe(401);
    }
  });
});
