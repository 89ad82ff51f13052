import type { FastifyRequest } from 'fastify';
import { authenticate, authorize, type Principal, type TokenRole } from '../http/auth.ts';
import type { Services } from '../services/index.ts';
import type { Db } from '../store/prisma.ts';
import type { Clock } from '../services/clock.ts';
import type { LogFeed } from '../services/log-feed.ts';
import type { Queues } from '../jobs/queues.ts';

export interface RouteContext {
  db: Db;
  services: Services;
  clock: Clock;
  feed: LogFeed;
  queues: Queues;
  /**
   * 401 without a valid token; 403 when the role or the village does not fit. The village may be given as a
   * lookup (of a meeting or motion), which runs only after authentication so anonymous callers learn nothing.
   */
  guard(request: FastifyRequest, village: string | null | (() => Promise<string>), roles: readonly TokenRole[]): Promise<Principal>;
}

export function createRouteContext(deps: Omit<RouteContext, 'guard'>): RouteContext {
  return {
    ...deps,
    async guard(request, village, roles) {
      const principal = await authenticate(deps.db, request);
      authorize(principal, typeof village === 'function' ? await village() : village, roles);
      return principal;
    },
  };
}
