import { WebSocket as NetworkSocket } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SerializedLogEntry } from '../../src/services/log-feed.ts';
import { createHarness, eventually, type Harness } from '../helpers/harness.ts';

type Received = SerializedLogEntry | { type: 'subscribed'; villageId: string };

/** The client end of an injected socket (ws; its type definitions are not installed, so only what the test uses). */
interface InjectedSocket {
  on(event: 'message', listener: (data: Buffer) => void): void;
  on(event: 'error', listener: (err: Error) => void): void;
  on(event: 'close', listener: (code: number) => void): void;
  close(): void;
  terminate(): void;
}

/**
 * The committee's live view of the decision log: entries written by any instance reach a socket on any other.
 *
 * About app.injectWS (@fastify/websocket 11.3.6): unlike inject() it does not call ready(), so on an instance
 * that has served nothing yet it never resolves; and after a clean close() from the client the server side of
 * the in-memory stream only sees 'close' when ws's 30 s close timer fires. Injected sockets are therefore
 * ended with terminate() (a dropped connection); the clean close handshake is tested over a real connection.
 */
describe('live decision-log feed over WebSocket', () => {
  let h: Harness;
  let h2: Harness;
  let villageA: string;
  let villageB: string;
  const auth: Record<string, Record<string, string>> = {};
  const livePath = (villageId: string) => `/api/villages/${villageId}/live`;

  const subscribers = async (villageId: string) => {
    const [, count] = (await h.core.redis.pubsub('NUMSUB', `${h.prefix}:log:${villageId}`)) as [string, number];
    return Number(count);
  };

  /** Opens an injected socket; messages are collected from the first frame on (listeners set before open). */
  async function connect(app: Harness['app'], villageId: string, headers: Record<string, string>) {
    const messages: Received[] = [];
    const errors: Error[] = [];
    let onClose: (code: number) => void = () => {};
    const closed = new Promise<number>((resolve) => (onClose = resolve));
    await app.ready();
    const ws: InjectedSocket = await app.injectWS(livePath(villageId), { headers }, {
      onInit(socket: InjectedSocket) {
        socket.on('message', (data) => messages.push(JSON.parse(data.toString())));
        socket.on('error', (err) => errors.push(err));
        socket.on('close', (code) => onClose(code));
      },
    });
    await eventually(async () => messages.length > 0);
    expect(messages).toEqual([{ type: 'subscribed', villageId }]);
    return { ws, messages, errors, closed, entries: () => messages.filter((m): m is SerializedLogEntry => m.type !== 'subscribed') };
  }

  /** Opens a socket over a real TCP connection to a listening instance. */
  async function connectOverNetwork(app: Harness['app'], villageId: string, headers: Record<string, string>) {
    const address = app.server.listening ? `http://127.0.0.1:${(app.server.address() as { port: number }).port}` : await app.listen({ port: 0, host: '127.0.0.1' });
    const ws = new NetworkSocket(`${address.replace(/^http/, 'ws')}${livePath(villageId)}`, { headers });
    const messages: Received[] = [];
    const errors: unknown[] = [];
    ws.addEventListener('message', (event) => messages.push(JSON.parse(String(event.data))));
    ws.addEventListener('error', (event) => errors.push(event));
    const closed = new Promise<number>((resolve) => ws.addEventListener('close', (event) => resolve(event.code)));
    await eventually(async () => messages.length > 0);
    expect(messages).toEqual([{ type: 'subscribed', villageId }]);
    return { ws, messages, errors, closed, entries: () => messages.filter((m): m is SerializedLogEntry => m.type !== 'subscribed') };
  }

  /** Wraps the feed of an instance to watch every unsubscribe the route makes and how it settled. */
  function watchUnsubscribes(core: Harness['core']) {
    const settled: Array<Promise<'resolved' | 'rejected'>> = [];
    const subscribe = core.feed.subscribe.bind(core.feed);
    // The route context holds this same feed object, so the spy is what the live route calls.
    const spy = vi.spyOn(core.feed, 'subscribe').mockImplementation(async (villageId, listener) => {
      const off = await subscribe(villageId, listener);
      return () => {
        const result = off();
        settled.push(result.then(() => 'resolved' as const, () => 'rejected' as const));
        // A promise of its own for the route, so a rejection the route ignores still goes unhandled.
        return new Promise<void>((resolve, reject) => void result.then(resolve, reject));
      };
    });
    return { settled, subscribeCalls: () => spy.mock.calls.length, restore: () => spy.mockRestore() };
  }

  /** Writes through the second instance. */
  const addMember = async (villageId: string, name: string) => {
    const res = await h2.app.inject({ method: 'POST', url: `/api/villages/${villageId}/members`, headers: auth[`secretary:${villageId}`], payload: { name, householdId: `H-${name}`, roles: ['villager'] } });
    expect(res.statusCode).toBe(201);
    return res.json().id as string;
  };
  const logOf = async (villageId: string, after = 0) => {
    const res = await h.app.inject({ method: 'GET', url: `/api/villages/${villageId}/log?after=${after}`, headers: auth[`committee:${villageId}`] });
    expect(res.statusCode).toBe(200);
    return res.json().entries as SerializedLogEntry[];
  };
  const headSeq = async (villageId: string) => (await logOf(villageId)).at(-1)?.seq ?? 0;

  beforeAll(async () => {
    h = await createHarness();
    h2 = await createHarness({ shareWith: h });
    const village = async (name: string, code: string) => {
      const res = await h.app.inject({ method: 'POST', url: '/api/villages', headers: h.adminAuth, payload: { name, code, meetingRule: { kind: 'monthlyDay', day: 5, time: '19:30' } } });
      expect(res.statusCode).toBe(201);
      return res.json().id as string;
    };
    villageA = await village('阳光村', '330106001001');
    villageB = await village('月亮村', '330106001003');
    for (const villageId of [villageA, villageB]) {
      for (const role of ['secretary', 'committee', 'accountant']) {
        const res = await h.app.inject({ method: 'POST', url: `/api/villages/${villageId}/tokens`, headers: h.adminAuth, payload: { role } });
        expect(res.statusCode).toBe(201);
        auth[`${role}:${villageId}`] = { authorization: `Bearer ${res.json().token}` };
      }
    }
  });

  afterAll(async () => {
    await h2?.close();
    await h?.close();
  });

  it('pushes entries written on another instance, and only those of its own village', async () => {
    const watch = watchUnsubscribes(h.core);
    try {
      const live = await connect(h.app, villageA, auth[`committee:${villageA}`]);
      expect(await subscribers(villageA)).toBe(1);
      const from = await headSeq(villageA);

      // Village B is written before each A write: Redis delivers one publisher's messages in order, so once
      // the last A entry has arrived, any B entry would already have arrived too.
      await addMember(villageB, '赵六');
      const memberId = await addMember(villageA, '张三');
      const bind = await h2.app.inject({ method: 'POST', url: `/api/villages/${villageA}/members/${memberId}/identities`, headers: auth[`secretary:${villageA}`], payload: { platform: 'webhook', externalId: 'wx-zhang' } });
      expect(bind.statusCode).toBe(201);
      await addMember(villageB, '钱七');
      await addMember(villageA, '李四');

      await eventually(async () => live.entries().length >= 3);
      const written = await logOf(villageA, from);
      expect(written.map((e) => e.type)).toEqual(['member.registered', 'identity.bound', 'member.registered']);
      expect(live.entries()).toEqual(written);
      for (const entry of live.entries()) {
        expect(entry).toMatchObject({ villageId: villageA, hash: expect.stringMatching(/^[0-9a-f]{64}$/), prevHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
        expect(new Date(entry.createdAt).toISOString()).toBe(entry.createdAt);
      }
      expect(live.entries().map((e) => e.seq)).toEqual([from + 1, from + 2, from + 3]);
      expect(live.entries()[1].prevHash).toBe(live.entries()[0].hash);
      expect(live.entries()[2].prevHash).toBe(live.entries()[1].hash);
      expect(live.messages.filter((m) => 'villageId' in m && m.villageId !== villageA)).toEqual([]);

      live.ws.terminate();
      expect(await live.closed).toBe(1006);
      await eventually(async () => watch.settled.length === 1);
      expect(await watch.settled[0]).toBe('resolved');
      await eventually(async () => (await subscribers(villageA)) === 0);
      expect(live.errors).toEqual([]);
    } finally {
      watch.restore();
    }
  });

  it('shares one Redis subscription between sockets; one leaving keeps the others fed', async () => {
    const watch = watchUnsubscribes(h.core);
    try {
      const first = await connect(h.app, villageA, auth[`committee:${villageA}`]);
      const second = await connect(h.app, villageA, auth[`secretary:${villageA}`]);
      expect(watch.subscribeCalls()).toBe(2);
      expect(await subscribers(villageA)).toBe(1);

      first.ws.terminate();
      await first.closed;
      await eventually(async () => watch.settled.length === 1);
      expect(await watch.settled[0]).toBe('resolved');
      expect(await subscribers(villageA)).toBe(1);

      await addMember(villageA, '王五');
      await eventually(async () => second.entries().length === 1);
      expect(second.entries()[0]).toMatchObject({ type: 'member.registered', payload: { name: '王五' } });
      expect(first.entries()).toEqual([]);

      second.ws.terminate();
      await second.closed;
      await eventually(async () => watch.settled.length === 2);
      expect(await watch.settled[1]).toBe('resolved');
      await eventually(async () => (await subscribers(villageA)) === 0);
      expect([...first.errors, ...second.errors]).toEqual([]);
      // Writing after everyone left is harmless.
      await addMember(villageA, '孙八');
    } finally {
      watch.restore();
    }
  });

  it('unsubscribes on a clean close handshake over a real connection', async () => {
    const watch = watchUnsubscribes(h.core);
    try {
      const live = await connectOverNetwork(h.app, villageA, auth[`committee:${villageA}`]);
      expect(await subscribers(villageA)).toBe(1);
      await addMember(villageA, '周九');
      await eventually(async () => live.entries().length === 1);
      expect(live.entries()[0]).toMatchObject({ villageId: villageA, type: 'member.registered', payload: { name: '周九' } });

      live.ws.close(1000, 'bye');
      expect(await live.closed).toBe(1000);
      await eventually(async () => watch.settled.length === 1);
      expect(await watch.settled[0]).toBe('resolved');
      await eventually(async () => (await subscribers(villageA)) === 0);
      expect(live.errors).toEqual([]);
    } finally {
      watch.restore();
    }
  });

  it('rejects the upgrade without a token, with an accountant token, or with another village\'s token', async () => {
    await h.app.ready();
    await expect(h.app.injectWS(livePath(villageA), {})).rejects.toThrow('Unexpected server response: 401');
    await expect(h.app.injectWS(livePath(villageA), { headers: { authorization: 'Bearer yg_not-a-real-token' } })).rejects.toThrow('Unexpected server response: 401');
    await expect(h.app.injectWS(livePath(villageA), { headers: auth[`accountant:${villageA}`] })).rejects.toThrow('Unexpected server response: 403');
    await expect(h.app.injectWS(livePath(villageA), { headers: auth[`committee:${villageB}`] })).rejects.toThrow('Unexpected server response: 403');
    // The plain HTTP GET of the live route is not a log listing.
    expect((await h.app.inject({ method: 'GET', url: livePath(villageA), headers: auth[`committee:${villageA}`] })).statusCode).toBe(404);
    expect(await subscribers(villageA)).toBe(0);
  });

  it('shuts an instance down with a socket still open', async () => {
    const h3 = await createHarness({ shareWith: h });
    const live = await connectOverNetwork(h3.app, villageA, auth[`committee:${villageA}`]);
    await h3.close();
    // @fastify/websocket's default preClose closes without a status code (1005), not 1001 "going away".
    expect(await live.closed).toBe(1005);
    await eventually(async () => (await subscribers(villageA)) === 0);
  });

  it('survives a socket leaving after the feed lost its Redis connection (no unhandled rejection)', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const h3 = await createHarness({ shareWith: h });
    const watch = watchUnsubscribes(h3.core);
    try {
      const live = await connect(h3.app, villageA, auth[`committee:${villageA}`]);
      // As in a Redis outage, or at shutdown when the core closes the feed before a slow client has gone.
      await h3.core.feed.close();
      live.ws.terminate();
      await live.closed;
      await eventually(async () => watch.settled.length === 1);
      expect(await watch.settled[0]).toBe('rejected');
      await new Promise((r) => setTimeout(r, 100));
      expect(unhandled).toEqual([]);
    } finally {
      watch.restore();
      process.off('unhandledRejection', onUnhandled);
      await h3.close();
    }
  });
});
