import { buildActor } from '../scripts/build.mjs';

const built = Symbol.for('pinterest-actor-bundle-built');

/**
 * End-to-end tests run the built Actor as a process: bundle it once, fresh, before any of them runs, with the same
 * script as `npm run build` and the image, so every end-to-end test runs what ships. Both end-to-end projects name
 * this setup; vitest runs each project's setup in its own module instance, so the one build is kept on globalThis.
 */
export default async function setup(): Promise<void> {
    const shared = globalThis as { [built]?: Promise<unknown> };
    await (shared[built] ??= buildActor());
}
