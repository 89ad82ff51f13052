import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { createVillageWithTokens, type Auth } from '../helpers/village.ts';

const KEY = '693a91f6-7f3c-4b8e-9d5a-2c1e0f4b8a77';

describe('channel secrets at rest', () => {
  let h: Harness;
  let secretary: Auth;
  let villageId: string;

  beforeAll(async () => {
    h = await createHarness();
    ({ villageId, secretary } = await createVillageWithTokens(h, { name: '密钥村', code: '330106001030' }));
  });
  afterAll(async () => h?.close());

  it('seals push URLs and credentials, and never shows the key', async () => {
    const created = await h.app.inject({
      method: 'POST', url: `/api/villages/${villageId}/channels`, headers: secretary,
      payload: { platform: 'wecom', name: '企业微信群', outbound: { url: `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${KEY}` }, inbound: { token: 'QDG6eK', encodingAESKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C' } },
    });
    expect(created.statusCode).toBe(201);
    const row = await h.core.db.channel.findUniqueOrThrow({ where: { id: created.json().id } });
    expect(JSON.stringify(row)).not.toContain(KEY);
    expect(JSON.stringify(row)).not.toContain('jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C');
    expect(row.outboundUrl).toMatch(/^v1:/);
    const listed = await h.app.inject({ method: 'GET', url: `/api/villages/${villageId}/channels`, headers: secretary });
    expect(listed.body).not.toContain(KEY);
    expect(listed.json().channels[0]).toMatchObject({ platform: 'wecom', push: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send', receive: true, healthy: true });
    expect((await h.core.services.channels.load(row.id))?.outboundUrl).toContain(KEY);
  });

  it('seals push URLs an earlier version stored in plain text', async () => {
    const legacy = await h.core.db.channel.create({ data: { villageId, platform: 'webhook', name: '旧群', outboundUrl: 'http://127.0.0.1:9/legacy', outboundSecretEnc: null } });
    expect(await h.core.services.channels.sealPlaintextUrls()).toBe(1);
    expect(await h.core.services.channels.sealPlaintextUrls()).toBe(0);
    const row = await h.core.db.channel.findUniqueOrThrow({ where: { id: legacy.id } });
    expect(row.outboundUrl).toMatch(/^v1:/);
    expect((await h.core.services.channels.load(legacy.id))?.outboundUrl).toBe('http://127.0.0.1:9/legacy');
  });
});
