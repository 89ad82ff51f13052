import type { FastifyPluginAsync } from 'fastify';
import type { RouteContext } from './context.ts';

/** Receive side of feishu at /hooks/feishu/:channelId (to be implemented). */
export const feishuHookRoutes: FastifyPluginAsync<RouteContext> = async () => {};
