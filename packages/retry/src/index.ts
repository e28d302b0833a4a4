export { backoffDelayMs, sleep } from './backoff.ts';
