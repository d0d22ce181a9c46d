import { defineConfig } from 'vitest/config';

export default defineConfig({
    test: {
        include: ['test/**/*.test.ts'],
        globalSetup: ['test/global-setup.ts'],
        // Deadlines only catch hangs: a loaded two-core machine must never turn a slow pass into a failure.
        testTimeout: 180_000,
        hookTimeout: 180_000,
        // End-to-end tests spawn the built Actor; two cores, so keep the pool small.
        maxWorkers: 2,
    },
});
