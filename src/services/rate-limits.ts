import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimit } from '../chat/platform.ts';

/**
 * Per-robot send budgets kept in Redis, so every worker of the deployment shares them. A platform's own
 * "slow down" answer blocks the robot for as long as the platform asked.
 */
export function createRateLimits(redis: Redis, prefix: string) {
  const limiters = new Map<string, RateLimiterRedis>();
  const limiterFor = (limit: RateLimit) => {
    const key = `${limit.points}/${limit.durationMs}`;
    let limiter = limiters.get(key);
    if (!limiter) {
      limiter = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:rl:${key}`, points: limit.points, duration: Math.ceil(limit.durationMs / 1000) });
      limiters.set(key, limiter);
    }
    return limiter;
  };
  const blocker = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:rl:block`, points: 1, duration: 1 });

  return {
    /** Takes one send from every budget of the robot; returns how long to wait when one is spent. */
    async take(robotKey: string, limits: RateLimit[]): Promise<number> {
      const blocked = await blocker.get(robotKey);
      if (blocked && blocked.consumedPoints > 1) return blocked.msBeforeNext;
      for (const limit of limits) {
        try {
          await limiterFor(limit).consume(robotKey);
        } catch (err) {
          if (err instanceof RateLimiterRes) return err.msBeforeNext;
          throw err;
        }
      }
      return 0;
    },
    /** Honours a platform's rate-limit answer for every worker (DingTalk blocks a robot for 10 minutes). */
    async block(robotKey: string, ms: number): Promise<void> {
      await blocker.block(robotKey, Math.ceil(ms / 1000));
    },
  };
}

export type RateLimits = ReturnType<typeof createRateLimits>;
