import websocket from '@fastify/websocket';
import Fastify, { type FastifyServerOptions } from 'fastify';
import swagger from '@fastify/swagger';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import { installErrorHandler } from './http/error-handler.ts';
import { channelRoutes } from './routes/channels.ts';
import { createRouteContext } from './routes/context.ts';
import { financeRoutes } from './routes/finance.ts';
import { healthRoutes } from './routes/health.ts';
import { dingtalkHookRoutes } from './routes/hooks-dingtalk.ts';
import { feishuHookRoutes } from './routes/hooks-feishu.ts';
import { onebotHookRoutes } from './routes/hooks-onebot.ts';
import { webhookHookRoutes } from './routes/hooks-webhook.ts';
import { wecomHookRoutes } from './routes/hooks-wecom.ts';
import { logRoutes } from './routes/log.ts';
import { meetingRoutes } from './routes/meetings.ts';
import { memberRoutes } from './routes/members.ts';
import { motionRoutes } from './routes/motions.ts';
import { villageRoutes } from './routes/villages.ts';
import type { Clock } from './services/clock.ts';
import type { Services } from './services/index.ts';
import type { LogFeed } from './services/log-feed.ts';
import type { Db } from './store/prisma.ts';
import type { Queues } from './jobs/queues.ts';

export interface AppDeps {
  db: Db;
  redis: Redis;
  services: Services;
  feed: LogFeed;
  queues: Queues;
  clock: Clock;
  /** pino options (or false); the server passes its configured level, tests usually pass false */
  logger?: FastifyServerOptions['logger'];
  isAccepting?: () => boolean;
}

/** The HTTP application: plugins and routes only; no listen, no environment, no workers. */
export async function buildApp(deps: AppDeps) {
  // Fastify's default request log carries method, URL and status only: no Authorization header, no bodies.
  const app = Fastify({ logger: deps.logger ?? false, bodyLimit: 1024 * 1024 });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  // The OpenAPI document is generated from the same zod schemas that validate requests.
  await app.register(swagger, {
    openapi: {
      info: { title: 'Yangguang 阳光议事 API', version: '0.1.0' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const ctx = createRouteContext({ db: deps.db, services: deps.services, clock: deps.clock, feed: deps.feed, queues: deps.queues });
  await app.register(healthRoutes, { db: deps.db, redis: deps.redis, isAccepting: deps.isAccepting ?? (() => true) });
  for (const routes of [villageRoutes, memberRoutes, channelRoutes, meetingRoutes, motionRoutes, logRoutes, financeRoutes]) {
    await app.register(routes, ctx);
  }
  for (const hooks of [webhookHookRoutes, wecomHookRoutes, dingtalkHookRoutes, feishuHookRoutes, onebotHookRoutes]) {
    await app.register(hooks, ctx);
  }
  return app;
}
