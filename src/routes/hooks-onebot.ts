import type { FastifyPluginAsync } from 'fastify';
import type { RouteContext } from './context.ts';

/** Receive side of onebot at /hooks/onebot/:channelId (to be implemented). */
export const onebotHookRoutes: FastifyPluginAsync<RouteContext> = async () => {};
