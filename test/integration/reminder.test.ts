import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, eventually, type Harness } from '../helpers/harness.ts';
import { createVillageWithTokens, type Auth } from '../helpers/village.ts';
import { sendSignedMessage } from '../helpers/webhook-client.ts';

const IN_SECRET = 'inbound-secret-reminder-0123';

/** One reminder per meeting before the votes close, @-ing (by phone) the members who have not voted yet. */
describe('vote reminder', () => {
  let h: Harness;
  let secretary: Auth;
  let villageId: string;
  let webhookChannel: string;
  let wecomChannel: string;
  let closesAt: Date;

  beforeAll(async () => {
    h = await createHarness({ workers: true });
    ({ villageId, secretary } = await createVillageWithTokens(h, { name: '提醒村', code: '330106001020' }));
    const post = (url: string, payload?: object) => h.app.inject({ method: 'POST', url, headers: secretary, payload });
    webhookChannel = (await post(`/api/villages/${villageId}/channels`, { platform: 'webhook', name: '群', inbound: { secret: IN_SECRET } })).json().id;
    // Push side only: its deliveries go nowhere, the test reads the rendered outbox row.
    wecomChannel = (await post(`/api/villages/${villageId}/channels`, { platform: 'wecom', name: '企业微信群', outbound: { url: 'http://127.0.0.1:9/cgi-bin/webhook/send?key=00000000-0000-0000-0000-000000000000' } })).json().id;
    for (const [name, phone] of [['甲', '13800000001'], ['乙', '13800000002'], ['丙', null]] as const) {
      const id = (await post(`/api/villages/${villageId}/members`, { name, householdId: `H${name}`, roles: ['villager'], ...(phone ? { phone } : {}) })).json().id;
      await post(`/api/villages/${villageId}/members/${id}/identities`, { platform: 'webhook', externalId: `wx-${name}` });
    }
    const meetingAt = new Date(h.clock.now().getTime() + 2 * 3_600_000);
    const meeting = (await post(`/api/villages/${villageId}/meetings`, { scheduledAt: meetingAt.toISOString() })).json().id;
    await post(`/api/meetings/${meeting}/motions`, { title: '修缮祠堂', text: '…', decidingBody: 'villagers_assembly' });
    await post(`/api/meetings/${meeting}/agenda/post`);
    closesAt = new Date(meetingAt.getTime() + 180 * 60_000);
    const voted = await sendSignedMessage(h.app, webhookChannel, IN_SECRET, { messageId: 'r1', senderId: 'wx-甲', text: '同意' });
    expect(voted.json().outcome.results[0].status).toBe('cast');
  });
  afterAll(async () => h?.close());

  it('goes out once, within the lead before the close, naming who has not voted by phone', async () => {
    h.clock.set(new Date(closesAt.getTime() - 61 * 60_000));
    await h.core.services.planner.tick(h.clock.now());
    h.clock.set(new Date(closesAt.getTime() - 30 * 60_000));
    await Promise.all([h.core.services.planner.tick(h.clock.now()), h.core.services.planner.tick(h.clock.now())]);
    await eventually(async () => (await h.core.db.decisionLogEntry.count({ where: { villageId, type: 'reminder.posted' } })) === 1);
    await h.core.services.planner.tick(h.clock.now());

    const entries = await h.core.db.decisionLogEntry.findMany({ where: { villageId, type: 'reminder.posted' } });
    expect(entries).toHaveLength(1);
    expect(entries[0].payload).toMatchObject({ reminded: 2, mentioned: 1, motions: [{ number: 1, voted: 1, pending: 2 }] });
    expect(JSON.stringify(entries[0].payload)).not.toContain('13800000002');

    const row = await h.core.db.outboundMessage.findUniqueOrThrow({ where: { id: `reminder-${(entries[0].payload as { meetingId: string }).meetingId}-${wecomChannel}` } });
    expect(row.text).toContain('已有 1 人表决，还有 2 人未表决');
    const [part] = row.parts as Array<{ msgtype: string; text: { content: string; mentioned_mobile_list?: string[] } }>;
    expect(part.msgtype).toBe('text');
    expect(part.text.mentioned_mobile_list).toEqual(['13800000002']);
  });
});
