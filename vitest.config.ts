import { defineConfig } from 'vitest/config';

export default defineConfig({
    test: {
        include: ['test/**/*.test.ts'],
        globalSetup: ['test/global-setup.ts'],
        testTimeout: 30_000,
        hookTimeout: 30_000,
        // End-to-end tests spawn the built Actor; two cores, so keep the pool small.
        maxWorkers: 2,
    },
});
