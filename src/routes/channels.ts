import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, SECRETARY } from '../http/auth.ts';
import type { RouteContext } from './context.ts';
import { newChannelSchema } from './channel-schemas.ts';
import { villageParams } from './schemas.ts';

export const channelRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, ctx) => {
  app.post('/api/villages/:villageId/channels', { schema: { params: villageParams, body: newChannelSchema } }, async (request, reply) => {
    const principal = await ctx.guard(request, request.params.villageId, SECRETARY);
    const body = request.body;
    const channel = await ctx.services.channels.create(
      request.params.villageId,
      { platform: body.platform, name: body.name, outbound: body.outbound, inbound: body.inbound as Record<string, string> | undefined, settings: 'settings' in body ? body.settings : {} },
      actorOf(principal),
    );
    return reply.status(201).send({ id: channel.id, platform: channel.platform, name: channel.name, inboundPath: `/hooks/${channel.platform}/${channel.id}` });
  });

  app.get('/api/villages/:villageId/channels', { schema: { params: villageParams } }, async (request) => {
    await ctx.guard(request, request.params.villageId, SECRETARY);
    return { channels: await ctx.services.channels.list(request.params.villageId) };
  });

  app.get(
    '/api/villages/:villageId/deliveries',
    { schema: { params: villageParams, querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }) } },
    async (request) => {
      await ctx.guard(request, request.params.villageId, SECRETARY);
      return { deliveries: await ctx.services.channels.deliveries(request.params.villageId, request.query.limit) };
    },
  );
};
