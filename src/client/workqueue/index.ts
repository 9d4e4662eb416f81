// The work queue layers: basic -> delaying -> rate limited (see each file).
export { WorkQueue } from './queue.js';
export { DelayingQueue, type DelayingQueueOptions } from './delaying-queue.js';
export { RateLimitingQueue, type RateLimitingQueueOptions } from './rate-limiting-queue.js';
export {
  type RateLimiter,
  BucketRateLimiter,
  ItemExponentialRateLimiter,
  MaxOfRateLimiter,
  defaultControllerRateLimiter,
} from './rate-limiters.js';
