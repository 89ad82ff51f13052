import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isValidTimeZone, meetingRuleSchema } from '../domain/schedule.ts';
import { actorOf, ANY_VILLAGE_ROLE } from '../http/auth.ts';
import type { RouteContext } from './context.ts';
import { villageParams } from './schemas.ts';

const newVillage = z.object({
  name: z.string().trim().min(1).max(100),
  code: z.string().regex(/^\d{12}$/, 'must be the 12-digit 行政区划代码'),
  meetingRule: meetingRuleSchema,
  timezone: z.string().refine(isValidTimeZone, 'must be an IANA time zone such as Asia/Shanghai').default('Asia/Shanghai'),
  // At least a minute: the planner posts agendas only before the meeting starts.
  agendaLeadMinutes: z.number().int().min(1).max(30 * 24 * 60).optional(),
  voteWindowMinutes: z.number().int().min(1).max(30 * 24 * 60).optional(),
});

export const villageRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, ctx) => {
  app.post('/api/villages', { schema: { body: newVillage } }, async (request, reply) => {
    const principal = await ctx.guard(request, null, []);
    const village = await ctx.services.villages.create(request.body, actorOf(principal));
    return reply.status(201).send(village);
  });

  app.get('/api/villages/:villageId', { schema: { params: villageParams } }, async (request) => {
    await ctx.guard(request, request.params.villageId, ANY_VILLAGE_ROLE);
    return ctx.services.villages.get(request.params.villageId);
  });

  app.post(
    '/api/villages/:villageId/tokens',
    { schema: { params: villageParams, body: z.object({ role: z.enum(['secretary', 'committee', 'accountant']), label: z.string().max(100).optional() }) } },
    async (request, reply) => {
      await ctx.guard(request, null, []);
      const token = await ctx.services.villages.issueToken(request.params.villageId, request.body.role, request.body.label);
      return reply.status(201).send(token);
    },
  );
};
