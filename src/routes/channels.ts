import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, SECRETARY } from '../http/auth.ts';
import type { RouteContext } from './context.ts';
import { villageParams } from './schemas.ts';

const secret = z.string().min(16, 'must be at least 16 characters').max(512);

const newWebhookChannel = z
  .object({
    platform: z.literal('webhook'),
    name: z.string().trim().min(1).max(100),
    outbound: z.object({ url: z.url({ protocol: /^https?$/ }), secret }).optional(),
    inbound: z.object({ secret }).optional(),
  })
  .refine((c) => c.outbound || c.inbound, { message: 'a channel needs a push side (outbound), a receive side (inbound) or both', path: ['outbound'] });

export const channelRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, ctx) => {
  app.post('/api/villages/:villageId/channels', { schema: { params: villageParams, body: newWebhookChannel } }, async (request, reply) => {
    const principal = await ctx.guard(request, request.params.villageId, SECRETARY);
    const { platform, name, outbound, inbound } = request.body;
    const channel = await ctx.services.channels.create(request.params.villageId, { platform, name, outbound, inbound }, actorOf(principal));
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
