import type { FastifyPluginAsync } from 'fastify';
import type { RouteContext } from './context.ts';

/** Receive side of dingtalk at /hooks/dingtalk/:channelId (to be implemented). */
export const dingtalkHookRoutes: FastifyPluginAsync<RouteContext> = async () => {};
