import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ANY_VILLAGE_ROLE } from '../http/auth.ts';
import type { RouteContext } from './context.ts';
import { villageParams } from './schemas.ts';

const LIVE_ROLES = ['committee', 'secretary'] as const;

export const logRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, ctx) => {
  app.get(
    '/api/villages/:villageId/log',
    { schema: { params: villageParams, querystring: z.object({ after: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(1000).default(100) }) } },
    async (request) => {
      await ctx.guard(request, request.params.villageId, ANY_VILLAGE_ROLE);
      return { entries: await ctx.services.log.list(request.params.villageId, request.query.after, request.query.limit) };
    },
  );

  app.get('/api/villages/:villageId/log/verify', { schema: { params: villageParams } }, async (request) => {
    await ctx.guard(request, request.params.villageId, ANY_VILLAGE_ROLE);
    return ctx.services.log.verify(request.params.villageId);
  });

  // Pushes every new entry of the village as JSON, including entries written by other instances (Redis pub/sub).
  app.get(
    '/api/villages/:villageId/live',
    {
      websocket: true,
      schema: { params: villageParams },
      preValidation: async (request) => {
        await ctx.guard(request, (request.params as { villageId: string }).villageId, LIVE_ROLES);
      },
    },
    (socket, request) => {
      let unsubscribe: (() => Promise<void>) | null = null;
      let closed = false;
      // A socket may close while Redis is away or after shutdown closed the feed: log that, never reject unhandled.
      const leave = (off: () => Promise<void>) => off().catch((err) => request.log.warn({ err }, 'live log unsubscribe failed'));
      socket.on('error', (err: Error) => request.log.warn({ err }, 'live log socket error'));
      socket.on('close', () => {
        closed = true;
        if (unsubscribe) void leave(unsubscribe);
      });
      ctx.feed
        .subscribe(request.params.villageId, (entry) => socket.send(JSON.stringify(entry)))
        .then((off) => {
          unsubscribe = off;
          if (closed) void leave(off);
          else socket.send(JSON.stringify({ type: 'subscribed', villageId: request.params.villageId }));
        })
        .catch((err) => {
          request.log.error({ err }, 'live log subscribe failed');
          socket.close(1011, 'subscribe failed');
        });
    },
  );
};
