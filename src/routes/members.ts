import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, ANY_VILLAGE_ROLE, SECRETARY } from '../http/auth.ts';
import type { RouteContext } from './context.ts';
import { MEMBER_ROLES, platformSchema, uuid, villageParams } from './schemas.ts';

const newMember = z.object({
  name: z.string().trim().min(1).max(50),
  householdId: z.string().trim().min(1).max(50),
  isAdult: z.boolean().default(true),
  roles: z.array(z.enum(MEMBER_ROLES)).min(1).default(['villager']),
  groupName: z.string().trim().min(1).max(50).optional(),
  phone: z.string().regex(/^\+?[\d\s-]{7,20}$/, 'must be a phone number').optional(),
});

export const memberRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, ctx) => {
  app.post('/api/villages/:villageId/members', { schema: { params: villageParams, body: newMember } }, async (request, reply) => {
    const principal = await ctx.guard(request, request.params.villageId, SECRETARY);
    const member = await ctx.services.members.create(request.params.villageId, request.body, actorOf(principal));
    return reply.status(201).send({ id: member.id, name: member.name, householdId: member.householdId, isAdult: member.isAdult, roles: member.roles, groupName: member.groupName });
  });

  app.get('/api/villages/:villageId/members', { schema: { params: villageParams } }, async (request) => {
    await ctx.guard(request, request.params.villageId, ANY_VILLAGE_ROLE);
    return { members: await ctx.services.members.list(request.params.villageId) };
  });

  app.post(
    '/api/villages/:villageId/members/:memberId/identities',
    { schema: { params: villageParams.extend({ memberId: uuid }), body: z.object({ platform: platformSchema, externalId: z.string().trim().min(1).max(200) }) } },
    async (request, reply) => {
      const { villageId, memberId } = request.params;
      const principal = await ctx.guard(request, villageId, SECRETARY);
      const identity = await ctx.services.members.bindIdentity(villageId, memberId, request.body.platform, request.body.externalId, actorOf(principal));
      return reply.status(201).send({ id: identity.id, memberId, platform: identity.platform, externalId: identity.externalId });
    },
  );

  app.delete(
    '/api/villages/:villageId/members/:memberId/identities/:identityId',
    { schema: { params: villageParams.extend({ memberId: uuid, identityId: uuid }) } },
    async (request, reply) => {
      const { villageId, memberId, identityId } = request.params;
      const principal = await ctx.guard(request, villageId, SECRETARY);
      await ctx.services.members.unbindIdentity(villageId, memberId, identityId, actorOf(principal));
      return reply.status(204).send();
    },
  );

  // A one-time code the villager sends in chat as "绑定 123456" (six digits, single use, valid 7 days).
  app.post('/api/villages/:villageId/members/:memberId/binding-code', { schema: { params: villageParams.extend({ memberId: uuid }) } }, async (request, reply) => {
    const { villageId, memberId } = request.params;
    const principal = await ctx.guard(request, villageId, SECRETARY);
    const { code, expiresAt } = await ctx.services.members.issueBindingCode(villageId, memberId, actorOf(principal));
    return reply.status(201).send({ code, expiresAt: expiresAt.toISOString() });
  });
};
