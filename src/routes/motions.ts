import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf, ANY_VILLAGE_ROLE, SECRETARY } from '../http/auth.ts';
import type { RouteContext } from './context.ts';
import { motionParams } from './schemas.ts';

export const motionRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, ctx) => {
  app.get('/api/motions/:motionId', { schema: { params: motionParams } }, async (request) => {
    const motion = await ctx.services.motions.find(request.params.motionId);
    await ctx.guard(request, motion.villageId, ANY_VILLAGE_ROLE);
    return ctx.services.motions.get(motion.id);
  });

  app.post('/api/motions/:motionId/close', { schema: { params: motionParams } }, async (request) => {
    const motion = await ctx.services.motions.find(request.params.motionId);
    const principal = await ctx.guard(request, motion.villageId, SECRETARY);
    return ctx.services.motions.close(motion.id, actorOf(principal));
  });
};
