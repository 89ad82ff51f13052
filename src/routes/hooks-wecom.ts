import type { FastifyPluginAsync } from 'fastify';
import type { RouteContext } from './context.ts';

/** Receive side of wecom at /hooks/wecom/:channelId (to be implemented). */
export const wecomHookRoutes: FastifyPluginAsync<RouteContext> = async () => {};
