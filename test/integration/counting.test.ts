import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChatSink } from '../helpers/chat-sink.ts';
import { createHarness, eventually, type Harness } from '../helpers/harness.ts';
import { createVillageWithTokens, type Auth } from '../helpers/village.ts';
import { sendSignedMessage } from '../helpers/webhook-client.ts';

const IN_SECRET = 'inbound-secret-counting-0123';

/** Chat votes counted by the law's rule for each deciding body, through the signed webhook to the posted result. */
describe('counting as the law says', () => {
  let h: Harness;
  let sink: Awaited<ReturnType<typeof startChatSink>>;
  let secretary: Auth;
  let committee: Auth;
  let villageId: string;
  let channelId: string;
  let meetingId: string;
  const ids: Record<string, string> = {};
  let messageSeq = 0;

  const api = (method: 'GET' | 'POST', url: string, headers: Auth, payload?: object) => h.app.inject({ method, url, headers, payload });
  const say = async (sender: string, text: string) => {
    const res = await sendSignedMessage(h.app, channelId, IN_SECRET, { messageId: `c-${++messageSeq}`, senderId: `wx-${sender}`, text });
    expect(res.statusCode).toBe(200);
    return res.json().outcome;
  };
  const lastReply = async () => (await h.core.db.outboundMessage.findFirst({ where: { villageId, type: 'reply' }, orderBy: { createdAt: 'desc' } }))?.text ?? '';
  const addMember = async (key: string, fields: { householdId: string; roles: string[]; isAdult?: boolean; phone?: string }, bind = true) => {
    const res = await api('POST', `/api/villages/${villageId}/members`, secretary, { name: key, ...fields });
    expect(res.statusCode).toBe(201);
    ids[key] = res.json().id;
    if (bind) expect((await api('POST', `/api/villages/${villageId}/members/${ids[key]}/identities`, secretary, { platform: 'webhook', externalId: `wx-${key}` })).statusCode).toBe(201);
  };
  const addMotion = async (body: object) => {
    const res = await api('POST', `/api/meetings/${meetingId}/motions`, secretary, { text: '详见公告', ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; number: number };
  };
  const resultPost = (number: number) => eventually(async () => sink.requests.map((r) => JSON.parse(r.rawBody)).find((b) => b.type === 'result' && b.text.includes(`第${number}项`)));

  let reps: { id: string; number: number };
  let members: { id: string; number: number };
  let party: { id: string; number: number };
  let thin: { id: string; number: number };
  let checkin: { id: string; number: number };

  beforeAll(async () => {
    h = await createHarness({ workers: true });
    sink = await startChatSink();
    ({ villageId, secretary, committee } = await createVillageWithTokens(h, { name: '法治村', code: '330106001010' }));
    const channel = await api('POST', `/api/villages/${villageId}/channels`, secretary, { platform: 'webhook', name: '村民群', outbound: { url: sink.url, secret: 'outbound-secret-counting-01' }, inbound: { secret: IN_SECRET } });
    channelId = channel.json().id;
    // Six village representatives; one plain villager.
    for (let i = 1; i <= 6; i++) await addMember(`代表${i}`, { householdId: `R${i}`, roles: ['villager', 'representative'] });
    await addMember('村民甲', { householdId: 'V1', roles: ['villager'] });
    // Six collective members in three households; 成员乙 will hold 成员甲's written proxy (same household).
    for (const [key, hh] of [['成员甲', 'M1'], ['成员乙', 'M1'], ['成员丙', 'M2'], ['成员丁', 'M2'], ['成员戊', 'M3'], ['成员己', 'M3']]) {
      await addMember(key, { householdId: hh, roles: ['villager', 'collective_member'] });
    }
    // Five full Party members and two probationary ones.
    for (let i = 1; i <= 5; i++) await addMember(`党员${i}`, { householdId: `P${i}`, roles: ['villager', 'party_member'] });
    for (let i = 1; i <= 2; i++) await addMember(`预备${i}`, { householdId: `Q${i}`, roles: ['villager', 'probationary_party_member'] });

    const meeting = await api('POST', `/api/villages/${villageId}/meetings`, secretary, { scheduledAt: new Date(Date.now() + 86_400_000).toISOString() });
    meetingId = meeting.json().id;
    reps = await addMotion({ title: '村道硬化方案', decidingBody: 'representatives_assembly' });
    members = await addMotion({ title: '年度收益分配方案', decidingBody: 'members_assembly' });
    party = await addMotion({ title: '发展对象人选', decidingBody: 'party_assembly' });
    thin = await addMotion({ title: '路灯维护', decidingBody: 'representatives_assembly' });
    checkin = await addMotion({ title: '垃圾分类点选址', decidingBody: 'representatives_assembly' });
    expect((await api('POST', `/api/meetings/${meetingId}/agenda/post`, secretary)).statusCode).toBe(202);
  });

  afterAll(async () => {
    await h?.close();
    await sink?.close();
  });

  it('refuses a motion the body cannot decide and proxies the body does not accept', async () => {
    const meeting = await api('POST', `/api/villages/${villageId}/meetings`, secretary, { scheduledAt: new Date(Date.now() + 40 * 86_400_000).toISOString() });
    const refused = await api('POST', `/api/meetings/${meeting.json().id}/motions`, secretary, { title: '土地承包方案', text: '…', decidingBody: 'members_representatives_assembly', subjectKind: 'land_contracting' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().message).toContain('body.subjectKind');
    const proxy = await api('POST', `/api/motions/${reps.id}/proxies`, secretary, { grantorId: ids['代表1'], holderId: ids['代表2'] });
    expect(proxy.statusCode).toBe(409);
    expect(proxy.json().message).toMatch(/委托/);
  });

  it('counts a 村民代表会议 motion by attendance ≥ 2/3 and > 1/2 of attendees', async () => {
    expect((await say('村民甲', `${reps.number}号同意`)).results[0].reason).toBe('not_eligible');
    for (const [who, text] of [['代表1', '同意'], ['代表2', '同意'], ['代表3', '赞成'], ['代表4', '反对']]) {
      expect((await say(who, `${reps.number}号${text}`)).results[0].status).toBe('cast');
    }
    const closed = await api('POST', `/api/motions/${reps.id}/close`, secretary);
    expect(closed.json()).toMatchObject({ outcome: 'passed', numbers: { eligible: 6, attendees: 4, yes: 3, no: 1 } });
    const post = await resultPost(reps.number);
    expect(post.text).toContain('结果：通过');
    expect(post.text).toContain('村民代表会议');
  });

  it('keeps a thinly attended 代表会议 vote advisory, never passed', async () => {
    await say('代表5', `${thin.number}号同意`);
    await say('代表6', `${thin.number}号同意`);
    const closed = await api('POST', `/api/motions/${thin.id}/close`, secretary);
    expect(closed.json()).toMatchObject({ outcome: 'advisory', numbers: { eligible: 6, attendees: 2, yes: 2 } });
    expect((await resultPost(thin.number)).text).toContain('征求意见');
  });

  it('counts members who checked in (签到) as attending, and takes 请假 and 查询', async () => {
    for (const who of ['代表1', '代表2', '代表3']) expect(await say(who, '签到')).toEqual({ kind: 'checked_in', status: 'recorded' });
    expect(await lastReply()).toContain('签到成功');
    expect(await say('代表5', '请假 家中有事')).toEqual({ kind: 'on_leave', status: 'recorded' });
    expect(await lastReply()).toContain('家中有事');
    expect((await say('代表4', `${checkin.number}号同意`)).results[0].status).toBe('cast');
    expect((await say('代表6', `${checkin.number}号反对`)).results[0].status).toBe('cast');
    expect(await say('代表6', '查询')).toEqual({ kind: 'query' });
    expect(await lastReply()).toMatch(new RegExp(`第${checkin.number}项「垃圾分类点选址」：表决中，同意 1、反对 1、弃权 0`));
    const closed = await api('POST', `/api/motions/${checkin.id}/close`, secretary);
    // Five attend (three checked in, two voted): quorum reached, but 1 yes is not more than half of 5.
    expect(closed.json()).toMatchObject({ outcome: 'failed', numbers: { eligible: 6, attendees: 5, yes: 1, no: 1 } });
    const attendance = await api('GET', `/api/meetings/${meetingId}/attendance`, committee);
    expect(attendance.json().attendance.map((a: { kind: string }) => a.kind).sort()).toEqual(['checked_in', 'checked_in', 'checked_in', 'on_leave']);
  });

  it('counts a 成员大会 motion against ALL members, with a written proxy from the same household', async () => {
    const proxy = await api('POST', `/api/motions/${members.id}/proxies`, secretary, { grantorId: ids['成员甲'], holderId: ids['成员乙'] });
    expect(proxy.statusCode, proxy.body).toBe(201);
    const second = await api('POST', `/api/motions/${members.id}/proxies`, secretary, { grantorId: ids['成员丙'], holderId: ids['成员乙'] });
    expect(second.statusCode).toBe(409);
    for (const who of ['成员乙', '成员丙', '成员丁']) await say(who, `${members.number}号同意`);
    await say('成员戊', `${members.number}号反对`);
    const closed = await api('POST', `/api/motions/${members.id}/close`, secretary);
    // 4 of 6 yes counting the proxy: exactly 2/3 of all members, which 三分之二以上 includes.
    expect(closed.json()).toMatchObject({ outcome: 'passed', numbers: { eligible: 6, attendees: 5, yes: 4, no: 1, byProxy: 1 } });
    expect((await resultPost(members.number)).text).toContain('委托代投 1 票');
  });

  it('counts a 党员大会 motion among full members only', async () => {
    expect((await say('预备1', `${party.number}号同意`)).results[0].reason).toBe('not_eligible');
    expect(await lastReply()).toContain('不在');
    for (const who of ['党员1', '党员2', '党员3']) await say(who, `${party.number}号同意`);
    await say('党员4', `${party.number}号反对`);
    const closed = await api('POST', `/api/motions/${party.id}/close`, secretary);
    expect(closed.json()).toMatchObject({ outcome: 'passed', numbers: { eligible: 5, attendees: 4, yes: 3, no: 1 } });
    const motion = await api('GET', `/api/motions/${party.id}`, committee);
    expect(motion.json().reason).toMatch(/党员大会/);
  });

  it('logs every close with the rule, the numbers and the reason', async () => {
    const log = await api('GET', `/api/villages/${villageId}/log?limit=1000`, committee);
    const closes = log.json().entries.filter((e: { type: string }) => e.type === 'motion.closed');
    expect(closes).toHaveLength(5);
    for (const entry of closes) expect(entry.payload).toMatchObject({ outcome: expect.any(String), rule: { label: expect.any(String) }, numbers: expect.any(Object), reason: expect.any(String) });
    expect((await api('GET', `/api/villages/${villageId}/log/verify`, committee)).json().ok).toBe(true);
  });
});

describe('binding chat accounts with a one-time code', () => {
  let h: Harness;
  let secretary: Auth;
  let villageId: string;
  let channelId: string;
  let memberId: string;
  let seq = 0;
  // Signed at the harness clock's time, which this suite moves forward.
  const say = async (sender: string, text: string) =>
    (await sendSignedMessage(h.app, channelId, IN_SECRET, { messageId: `b-${++seq}`, senderId: sender, text }, { timestamp: Math.floor(h.clock.now().getTime() / 1000) })).json().outcome;
  const lastReply = async () => (await h.core.db.outboundMessage.findFirst({ where: { villageId, type: 'reply' }, orderBy: { createdAt: 'desc' } }))?.text ?? '';

  beforeAll(async () => {
    h = await createHarness();
    ({ villageId, secretary } = await createVillageWithTokens(h, { name: '绑定村', code: '330106001011' }));
    channelId = (await h.app.inject({ method: 'POST', url: `/api/villages/${villageId}/channels`, headers: secretary, payload: { platform: 'webhook', name: '群', outbound: { url: 'http://127.0.0.1:9/', secret: 'outbound-secret-binding-01' }, inbound: { secret: IN_SECRET } } })).json().id;
    memberId = (await h.app.inject({ method: 'POST', url: `/api/villages/${villageId}/members`, headers: secretary, payload: { name: '王小二', householdId: 'H1', phone: '13812345678', roles: ['villager'] } })).json().id;
  });
  afterAll(async () => h?.close());

  it('binds with a valid code, once, and confirms with the phone masked', async () => {
    const issued = await h.app.inject({ method: 'POST', url: `/api/villages/${villageId}/members/${memberId}/binding-code`, headers: secretary });
    expect(issued.statusCode).toBe(201);
    const { code, expiresAt } = issued.json();
    expect(code).toMatch(/^\d{6}$/);
    expect(new Date(expiresAt).getTime() - Date.now()).toBeGreaterThan(6.9 * 86_400_000);

    expect(await say('wx-new', '同意')).toEqual({ kind: 'unknown_sender' });
    expect(await lastReply()).toContain('绑定 123456');
    expect(await say('wx-new', `绑定 ${code}`)).toEqual({ kind: 'bind', status: 'bound' });
    const reply = await lastReply();
    expect(reply).toContain('王小二');
    expect(reply).toContain('138****5678');
    expect(reply).not.toContain('13812345678');
    expect(await say('wx-other', `绑定 ${code}`)).toEqual({ kind: 'bind', status: 'failed' });
    const identities = await h.core.db.chatIdentity.findMany({ where: { memberId } });
    expect(identities.map((i) => i.externalId)).toEqual(['wx-new']);
  });

  it('cools down after five wrong codes from one sender in an hour', async () => {
    for (let i = 0; i < 5; i++) expect((await say('wx-guesser', '绑定 000000')).status).toBe('failed');
    expect(await say('wx-guesser', '绑定 000000')).toEqual({ kind: 'bind', status: 'cooldown' });
    expect(await lastReply()).toContain('一小时后再试');
    h.clock.advance(61 * 60_000);
    expect((await say('wx-guesser', '绑定 000000')).status).toBe('failed');
  });

  it('lets the secretary unbind directly, logged', async () => {
    const identity = await h.core.db.chatIdentity.findFirstOrThrow({ where: { memberId } });
    const res = await h.app.inject({ method: 'DELETE', url: `/api/villages/${villageId}/members/${memberId}/identities/${identity.id}`, headers: secretary });
    expect(res.statusCode).toBe(204);
    expect(await say('wx-new', '同意')).toEqual({ kind: 'unknown_sender' });
    const types = (await h.core.db.decisionLogEntry.findMany({ where: { villageId }, orderBy: { seq: 'asc' } })).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['binding.code_issued', 'identity.bound', 'identity.unbound']));
  });

  it('applies "都同意" to every open motion', async () => {
    const inject = (method: 'POST', url: string, payload?: object) => h.app.inject({ method, url, headers: secretary, payload });
    const member = (await inject('POST', `/api/villages/${villageId}/members`, { name: '赵大', householdId: 'H9', roles: ['villager'] })).json().id;
    await inject('POST', `/api/villages/${villageId}/members/${member}/identities`, { platform: 'webhook', externalId: 'wx-zhao' });
    const meeting = (await inject('POST', `/api/villages/${villageId}/meetings`, { scheduledAt: new Date(h.clock.now().getTime() + 86_400_000).toISOString() })).json().id;
    for (const title of ['修桥', '修路']) await inject('POST', `/api/meetings/${meeting}/motions`, { title, text: '…', decidingBody: 'villagers_assembly' });
    await inject('POST', `/api/meetings/${meeting}/agenda/post`);
    const outcome = await say('wx-zhao', '都同意👍');
    expect(outcome.results).toEqual([{ motionNumber: 1, status: 'cast' }, { motionNumber: 2, status: 'cast' }]);
    const votes = await h.core.db.vote.findMany({ where: { memberId: member } });
    expect(votes.map((v) => v.choice)).toEqual(['yes', 'yes']);
    const logged = await h.core.db.decisionLogEntry.findFirst({ where: { villageId, type: 'vote.cast' }, orderBy: { seq: 'desc' } });
    expect((logged?.payload as { matched: unknown[] }).matched.length).toBeGreaterThan(0);
  });

  it('lets one adult per household vote on a household-route 村民会议 motion', async () => {
    const inject = (method: 'POST', url: string, payload?: object) => h.app.inject({ method, url, headers: secretary, payload });
    for (const [name, ext] of [['钱一', 'wx-qian1'], ['钱二', 'wx-qian2']]) {
      const id = (await inject('POST', `/api/villages/${villageId}/members`, { name, householdId: 'QIAN', roles: ['villager'] })).json().id;
      await inject('POST', `/api/villages/${villageId}/members/${id}/identities`, { platform: 'webhook', externalId: ext });
    }
    const meeting = (await inject('POST', `/api/villages/${villageId}/meetings`, { scheduledAt: new Date(h.clock.now().getTime() + 2 * 86_400_000).toISOString() })).json().id;
    const motion = (await inject('POST', `/api/meetings/${meeting}/motions`, { title: '集体土地出租', text: '…', decidingBody: 'villagers_assembly', householdRoute: true })).json();
    expect(motion.number).toBe(1);
    await inject('POST', `/api/meetings/${meeting}/agenda/post`);
    expect((await say('wx-qian1', '同意')).results[0].status).toBe('cast');
    expect((await say('wx-qian2', '反对')).results[0]).toMatchObject({ status: 'refused', reason: 'household_already_voted' });
    expect(await lastReply()).toContain('已由钱一代表表决');
  });
});
