import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, ANY_VILLAGE_ROLE, SECRETARY } from '../http/auth.ts';
import type { RouteContext } from './context.ts';
import { motionParams } from './schemas.ts';

export const motionRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, ctx) => {
  const villageOfMotion = async (motionId: string) => (await ctx.services.motions.find(motionId)).villageId;

  app.get('/api/motions/:motionId', { schema: { params: motionParams } }, async (request) => {
    await ctx.guard(request, () => villageOfMotion(request.params.motionId), ANY_VILLAGE_ROLE);
    return ctx.services.motions.get(request.params.motionId);
  });

  app.post('/api/motions/:motionId/close', { schema: { params: motionParams } }, async (request) => {
    const principal = await ctx.guard(request, () => villageOfMotion(request.params.motionId), SECRETARY);
    return ctx.services.motions.close(request.params.motionId, actorOf(principal));
  });

  // A written proxy (成员大会 only: an adult of the same household, at most one per holder).
  app.post(
    '/api/motions/:motionId/proxies',
    { schema: { params: motionParams, body: z.object({ grantorId: z.uuid(), holderId: z.uuid() }) } },
    async (request, reply) => {
      const principal = await ctx.guard(request, () => villageOfMotion(request.params.motionId), SECRETARY);
      const proxy = await ctx.services.proxies.record(request.params.motionId, request.body.grantorId, request.body.holderId, actorOf(principal));
      return reply.status(201).send({ id: proxy.id, motionId: proxy.motionId, grantorId: proxy.grantorId, holderId: proxy.holderId });
    },
  );
};
