import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DECIDING_BODY_KEYS } from '../domain/deciding-body.ts';
import { actorOf, ANY_VILLAGE_ROLE, SECRETARY } from '../http/auth.ts';
import { Conflict } from '../http/errors.ts';
import type { RouteContext } from './context.ts';
import { meetingParams, villageParams } from './schemas.ts';

const newMotion = z.object({
  title: z.string().trim().min(1).max(200),
  text: z.string().trim().min(1).max(5000),
  decidingBody: z.enum(DECIDING_BODY_KEYS),
  subjectKind: z.enum(['general', 'land_contracting', 'non_member_benefits']).default('general'),
  householdRoute: z.boolean().default(false),
  groupName: z.string().trim().min(1).max(50).optional(),
  closesAt: z.iso.datetime({ offset: true }).optional(),
});

export const meetingRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, ctx) => {
  const villageOfMeeting = async (meetingId: string) => (await ctx.services.meetings.findMeeting(meetingId)).villageId;

  app.get('/api/villages/:villageId/meetings', { schema: { params: villageParams } }, async (request) => {
    await ctx.guard(request, request.params.villageId, ANY_VILLAGE_ROLE);
    return { meetings: await ctx.services.meetings.list(request.params.villageId) };
  });

  app.post(
    '/api/villages/:villageId/meetings',
    { schema: { params: villageParams, body: z.object({ scheduledAt: z.iso.datetime({ offset: true }) }) } },
    async (request, reply) => {
      const principal = await ctx.guard(request, request.params.villageId, SECRETARY);
      const meeting = await ctx.services.meetings.schedule(request.params.villageId, new Date(request.body.scheduledAt), actorOf(principal));
      if (!meeting) throw new Conflict(`body.scheduledAt: a meeting at ${request.body.scheduledAt} already exists`);
      return reply.status(201).send({ id: meeting.id, scheduledAt: meeting.scheduledAt, status: meeting.status });
    },
  );

  app.post('/api/meetings/:meetingId/motions', { schema: { params: meetingParams, body: newMotion } }, async (request, reply) => {
    const principal = await ctx.guard(request, () => villageOfMeeting(request.params.meetingId), SECRETARY);
    const { closesAt, ...rest } = request.body;
    const motion = await ctx.services.meetings.addMotion(request.params.meetingId, { ...rest, closesAt: closesAt ? new Date(closesAt) : undefined }, actorOf(principal));
    return reply.status(201).send({ id: motion.id, number: motion.number, status: motion.status, decidingBody: motion.decidingBody, subjectKind: motion.subjectKind });
  });

  app.post('/api/meetings/:meetingId/agenda/post', { schema: { params: meetingParams } }, async (request, reply) => {
    const { meetingId } = request.params;
    const principal = await ctx.guard(request, () => villageOfMeeting(meetingId), SECRETARY);
    const result = await ctx.services.meetings.postAgenda(meetingId, actorOf(principal));
    if (!result.posted) throw new Conflict('议程已经发布过了（The agenda of this meeting has already been posted）');
    return reply.status(202).send({ meetingId, status: 'agenda_posted', deliveries: result.deliveries });
  });

  // 签到 by the secretary (villagers check in themselves in chat).
  app.post(
    '/api/meetings/:meetingId/attendance',
    { schema: { params: meetingParams, body: z.object({ memberId: z.uuid(), kind: z.enum(['checked_in', 'on_leave']).default('checked_in'), reason: z.string().max(200).optional() }) } },
    async (request) => {
      const { meetingId } = request.params;
      const principal = await ctx.guard(request, () => villageOfMeeting(meetingId), SECRETARY);
      const status = await ctx.services.attendance.mark(meetingId, request.body.memberId, request.body.kind, request.body.reason, actorOf(principal));
      return { meetingId, memberId: request.body.memberId, kind: request.body.kind, status };
    },
  );

  app.get('/api/meetings/:meetingId/attendance', { schema: { params: meetingParams } }, async (request) => {
    await ctx.guard(request, () => villageOfMeeting(request.params.meetingId), ANY_VILLAGE_ROLE);
    return { attendance: await ctx.services.attendance.list(request.params.meetingId) };
  });
};
