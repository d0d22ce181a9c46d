import { defineConfig } from 'vitest/config';

/** Kill-and-restart tests: they kill the Actor at a chosen moment, so they run one at a time, after the rest. */
const KILL_TESTS = ['test/e2e/restart.test.ts'];

/**
 * Three groups, run in order: unit and integration tests (no bundle: `npm run test:unit` runs only these), the
 * end-to-end tests that run the built Actor as a process, and the kill tests, alone. Deadlines only catch hangs: a
 * loaded two-core machine must never turn a slow pass into a failure.
 */
export default defineConfig({
    test: {
        testTimeout: 180_000,
        hookTimeout: 180_000,
        projects: [
            {
                test: {
                    name: 'unit',
                    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/emulator/**/*.test.ts', 'test/apify-api/**/*.test.ts'],
                    testTimeout: 180_000,
                    sequence: { groupOrder: 0 },
                },
            },
            {
                test: {
                    name: 'e2e',
                    include: ['test/e2e/**/*.test.ts'],
                    exclude: KILL_TESTS,
                    globalSetup: ['test/global-setup.ts'],
                    testTimeout: 180_000,
                    hookTimeout: 180_000,
                    // Each test spawns the Actor; two cores, so two files at a time.
                    maxWorkers: 2,
                    sequence: { groupOrder: 1 },
                },
            },
            {
                test: {
                    name: 'kills',
                    include: KILL_TESTS,
                    globalSetup: ['test/global-setup.ts'],
                    testTimeout: 300_000,
                    hookTimeout: 180_000,
                    fileParallelism: false,
                    maxWorkers: 1,
                    sequence: { groupOrder: 2 },
                },
            },
        ],
    },
});
