import { ActorError } from './errors.js';

/**
 * The run's clock. Tests set ACTOR_TEST_NOW (an ISO time) to start the clock there; it then runs at real speed,
 * so a test can put a run days ahead without sleeping. Nothing else sets it.
 */
export function runClock(env: NodeJS.ProcessEnv = process.env): () => number {
    const start = env.ACTOR_TEST_NOW?.trim();
    if (!start) return Date.now;
    const startMs = Date.parse(start);
    if (Number.isNaN(startMs))
        throw new ActorError(`The environment variable ACTOR_TEST_NOW must be an ISO 8601 time, not "${start}": fix or unset it.`);
    const offset = startMs - Date.now();
    return () => Date.now() + offset;
}
