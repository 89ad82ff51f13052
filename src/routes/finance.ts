import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ACCOUNTANT, actorOf, ANY_VILLAGE_ROLE, COMMITTEE, SECRETARY } from '../http/auth.ts';
import { AppError } from '../http/errors.ts';
import type { RouteContext } from './context.ts';
import { uuid, villageParams } from './schemas.ts';

const LEDGER_TYPES = ['text/csv', 'application/csv', 'text/plain', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/vnd.ms-excel', 'application/octet-stream'];

const entityQuery = z.object({ entity: z.enum(['village_committee', 'collective']) });
const periodParams = villageParams.extend({ period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month like 2026-11') });
const signer = z.object({ name: z.string().trim().min(1).max(50) });

/** 晾晒财务: ledger import, the monthly disclosure, its sign-off and the printable sheet. */
export const financeRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, ctx) => {
  app.addContentTypeParser(LEDGER_TYPES, { parseAs: 'buffer', bodyLimit: 10 * 1024 * 1024 }, (_request, body, done) => done(null, body));

  app.post('/api/villages/:villageId/finance/imports', { schema: { params: villageParams, querystring: entityQuery } }, async (request, reply) => {
    const principal = await ctx.guard(request, request.params.villageId, ACCOUNTANT);
    if (!Buffer.isBuffer(request.body) || request.body.length === 0) throw new AppError(400, 'Bad Request', 'body: send the ledger file (CSV or XLSX) as the request body');
    const result = await ctx.services.finance.imports.import(request.params.villageId, request.query.entity, request.body, request.headers['content-type'], actorOf(principal));
    return reply.status(result.status === 'imported' ? 201 : 200).send(result);
  });

  app.delete('/api/villages/:villageId/finance/imports/:importId', { schema: { params: villageParams.extend({ importId: uuid }) } }, async (request, reply) => {
    const principal = await ctx.guard(request, request.params.villageId, ACCOUNTANT);
    await ctx.services.finance.imports.withdraw(request.params.villageId, request.params.importId, actorOf(principal));
    return reply.status(204).send();
  });

  app.get('/api/villages/:villageId/finance/disclosures/:period', { schema: { params: periodParams, querystring: entityQuery } }, async (request) => {
    await ctx.guard(request, request.params.villageId, ANY_VILLAGE_ROLE);
    return ctx.services.finance.disclosures.view(request.params.villageId, request.query.entity, request.params.period);
  });

  const steps = [
    ['confirm', ACCOUNTANT],
    ['approve', COMMITTEE],
    ['publish', SECRETARY],
  ] as const;
  for (const [step, roles] of steps) {
    app.post(`/api/villages/:villageId/finance/disclosures/:period/${step}`, { schema: { params: periodParams, querystring: entityQuery, body: signer } }, async (request) => {
      const { villageId, period } = request.params;
      const principal = await ctx.guard(request, villageId, roles);
      return ctx.services.finance.disclosures[step](villageId, request.query.entity, period, request.body.name, actorOf(principal));
    });
  }

  app.post(
    '/api/villages/:villageId/finance/disclosures/:period/reject',
    { schema: { params: periodParams, querystring: entityQuery, body: signer.extend({ reason: z.string().trim().min(2).max(500) }) } },
    async (request) => {
      const { villageId, period } = request.params;
      const principal = await ctx.guard(request, villageId, COMMITTEE);
      return ctx.services.finance.disclosures.reject(villageId, request.query.entity, period, request.body.name, request.body.reason, actorOf(principal));
    },
  );

  // The printable 公开栏 sheet (A4 PDF) of the disclosure as it stands.
  app.get('/api/villages/:villageId/finance/disclosures/:period/sheet.pdf', { schema: { params: periodParams, querystring: entityQuery } }, async (request, reply) => {
    await ctx.guard(request, request.params.villageId, ANY_VILLAGE_ROLE);
    const pdf = await ctx.services.finance.sheet(request.params.villageId, request.query.entity, request.params.period);
    return reply
      .type('application/pdf')
      .header('content-disposition', `inline; filename="finance-${request.params.period}-${request.query.entity}.pdf"`)
      .send(pdf);
  });
};
