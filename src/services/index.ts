import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import type { Queues } from '../jobs/queues.ts';
import type { Db } from '../store/prisma.ts';
import { createAttendanceService } from './attendance.ts';
import { createChannelService } from './channels.ts';
import { createChatInboundService } from './chat-inbound.ts';
import type { Clock } from './clock.ts';
import { createDeliveryService } from './deliveries.ts';
import { createFinanceServices } from './finance/index.ts';
import type { LogFeed } from './log-feed.ts';
import { createLogReviewService } from './log-review.ts';
import { createMeetingService } from './meetings.ts';
import { createMemberService } from './members.ts';
import { createMotionService } from './motions.ts';
import { createPlanner } from './planner.ts';
import { createRateLimits } from './rate-limits.ts';
import { createReminderService } from './reminders.ts';
import { createProxyService } from './proxies.ts';
import type { Templates } from './templates.ts';
import { createTransact } from './unit-of-work.ts';
import { createVillageService } from './villages.ts';

export interface CoreDeps {
  db: Db;
  redis: Redis;
  queues: Queues;
  feed: LogFeed;
  clock: Clock;
  templates: Templates;
  secretKey: Buffer;
  logger: FastifyBaseLogger;
  /** font file for the printable finance sheet (default: a Debian CJK font) */
  cjkFont?: string;
}

/** Wires every use case once; HTTP routes, chat hooks, workers and the planner all call these. */
export function createServices(deps: CoreDeps) {
  const { db, clock, templates, secretKey, queues } = deps;
  const transact = createTransact(deps);
  const channels = createChannelService({ db, transact, secretKey });
  const deliveries = createDeliveryService({ db, clock, channels, secretKey, rateLimits: createRateLimits(deps.redis, deps.queues.prefix) });
  const chatInbound = createChatInboundService({ db, transact, templates, secretKey, queues });
  return {
    transact,
    villages: createVillageService({ db, transact, clock }),
    members: createMemberService({ db, transact, clock }),
    channels,
    deliveries,
    meetings: createMeetingService({ db, transact, templates }),
    motions: createMotionService({ db, transact, templates }),
    chatInbound,
    attendance: createAttendanceService({ db, transact }),
    proxies: createProxyService({ db, transact }),
    reminders: createReminderService({ db, transact, templates }),
    finance: createFinanceServices({ db, transact, cjkFont: deps.cjkFont }),
    log: createLogReviewService({ db }),
    planner: createPlanner({ db, queues, deliveries, chatInbound }),
  };
}

export type Services = ReturnType<typeof createServices>;
