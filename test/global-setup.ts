import { buildActor } from '../scripts/build.mjs';

/**
 * End-to-end tests run the built Actor as a process: bundle it once, fresh, before any test file runs, with the
 * same script as `npm run build` and the image, so every end-to-end test runs what ships.
 */
export default async function setup(): Promise<void> {
    await buildActor();
}
