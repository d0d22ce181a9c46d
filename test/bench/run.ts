/**
 * `npm run bench`: the built Actor as a real process against the emulator, measuring what users pay for and
 * wait on: requests per run (a list of n items should cost ceil(n/250) requests), wall time from process start
 * to exit, and peak memory (the Actor should fit in 128 MB on the platform). Numbers, not pass/fail.
 */
import { fileURLToPath } from 'node:url';

import { runActor } from '../e2e/harness.js';
import { ALL_SCOPES } from '../e2e/fixture.js';
import { startEmulator } from '../emulator/index.js';

const REPORT_USAGE = fileURLToPath(new URL('./report-usage.mjs', import.meta.url));

const emulator = await startEmulator();
const app = emulator.state.createApp({});
const userId = emulator.state.createUser({ username: 'bench' }).id;
const token = emulator.state.issueTokens({ userId, appId: app.appId, scopes: ALL_SCOPES }).accessToken;
for (let board = 0; board < 30; board += 1) emulator.state.createBoard(userId, { name: `Board ${board}` });
const boardId = emulator.state.createBoard(userId, { name: 'Big board' }).id;
emulator.state.createPins(boardId, 10_000);

const scenarios: Array<{ name: string; input: Record<string, unknown>; expectedRequests: number }> = [
    { name: 'start-up: list 1 board, no preflight', input: { maxItems: 1, skipPreflight: true }, expectedRequests: 1 },
    { name: 'list-boards, 25 (default)', input: {}, expectedRequests: 2 },
    { name: 'get-user-pins, 1,000 with metrics', input: { mode: 'get-user-pins', boardId, maxItems: 1000, includeMetrics: true, skipPreflight: true }, expectedRequests: 4 },
    { name: 'get-user-pins, 10,000 with metrics', input: { mode: 'get-user-pins', boardId, maxItems: 10_000, includeMetrics: true, skipPreflight: true }, expectedRequests: 40 },
    { name: 'create-pin', input: { mode: 'create-pin', boardId, pinTitle: 'Bench', imageUrl: 'https://example.com/b.jpg' }, expectedRequests: 2 },
];

const rows = [];
for (const scenario of scenarios) {
    emulator.resetRequests();
    emulator.resetRateLimits();
    const run = await runActor({
        baseUrl: emulator.baseUrl,
        input: { accessToken: token, ...scenario.input },
        payPerEvent: true,
        nodeArgs: ['--import', REPORT_USAGE],
        timeoutMs: 120_000,
    });
    const usage = JSON.parse(/BENCH_USAGE (.*)/.exec(run.log)?.[1] ?? '{}') as { maxRssKb?: number; uptimeMs?: number };
    rows.push({
        scenario: scenario.name,
        exit: run.exitCode,
        items: run.items.length,
        requests: emulator.requests.length,
        'ideal requests': scenario.expectedRequests,
        'wall ms': usage.uptimeMs,
        'peak RSS MB': usage.maxRssKb ? Math.round(usage.maxRssKb / 1024) : undefined,
    });
}
await emulator.close();

console.table(rows);
console.log('Peak RSS is measured with local storage, which keeps the whole dataset in memory; on the platform the dataset is remote.');
if (rows.some((row) => row.exit !== 0 || row.requests > row['ideal requests'])) process.exitCode = 1;
