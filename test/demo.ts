/**
 * `npm run demo`: the built Actor, run as a real process against the bundled Pinterest API emulator with a
 * demo account: reading, publishing a batch, scheduling and publishing what is due. No Pinterest account needed.
 * Prints what a user would see. The scheduled steps share one storage folder, as runs share named stores on Apify.
 */
import { seedDemoAccount } from './emulator/seed.js';
import { startEmulator } from './emulator/index.js';
import { newStorageDir, runActor } from './e2e/harness.js';

const emulator = await startEmulator();
try {
    const demo = seedDemoAccount(emulator);
    const accessToken = demo.tokens.accessToken;
    const firstBoard = demo.boards[0];
    if (!firstBoard) throw new Error('The demo account has no boards.');

    const steps = [
        {
            title: 'list-boards',
            input: { mode: 'list-boards', accessToken, maxItems: 25 },
            columns: ['name', 'privacy', 'pinCount', 'followerCount', 'url'],
        },
        {
            title: `get-user-pins (board "${firstBoard.name}", with metrics)`,
            input: { mode: 'get-user-pins', accessToken, boardId: firstBoard.id, maxItems: 8, includeMetrics: true },
            columns: ['title', 'impressions90d', 'pinClicks90d', 'createdAt', 'url'],
        },
        {
            title: 'create-pin',
            input: {
                mode: 'create-pin',
                accessToken,
                boardId: firstBoard.id,
                pinTitle: 'Five-minute summer salad',
                pinDescription: 'Tomatoes, peaches, basil and a squeeze of lime.',
                imageUrl: 'https://i.pinimg.com/originals/demo/summer-salad.jpg',
                linkUrl: 'https://example.com/recipes/summer-salad',
            },
            columns: ['status', 'id', 'title', 'url'],
        },
        {
            title: 'create-pin with a batch: one new, one already published, one on a board that does not exist, one for tomorrow',
            input: {
                mode: 'create-pin',
                accessToken,
                pins: [
                    { boardName: firstBoard.name, pinTitle: 'Peach and basil galette', imageUrl: 'https://i.pinimg.com/originals/demo/galette.jpg' },
                    {
                        boardId: firstBoard.id,
                        pinTitle: 'Five-minute summer salad',
                        pinDescription: 'Tomatoes, peaches, basil and a squeeze of lime.',
                        imageUrl: 'https://i.pinimg.com/originals/demo/summer-salad.jpg',
                        linkUrl: 'https://example.com/recipes/summer-salad',
                    },
                    { boardName: 'Sumer Recipes!', pinTitle: 'Iced mint tea', imageUrl: 'https://i.pinimg.com/originals/demo/tea.jpg' },
                    {
                        boardId: firstBoard.id,
                        pinTitle: 'Grilled corn, three ways',
                        imageUrl: 'https://i.pinimg.com/originals/demo/corn.jpg',
                        publishAt: '2026-12-01T09:00:00Z',
                    },
                ],
            },
            columns: ['position', 'status', 'title', 'publishAt', 'message'],
            env: { ACTOR_TEST_NOW: '2026-11-30T09:00:00Z' },
        },
        {
            title: 'publish-scheduled, run by a schedule the next morning',
            input: { mode: 'publish-scheduled', accessToken },
            columns: ['status', 'title', 'publishAt', 'lateByMinutes', 'url'],
            env: { ACTOR_TEST_NOW: '2026-12-01T09:15:00Z' },
        },
    ];

    // Named stores (the ledger and the queue) outlive runs: the steps share one storage folder, as runs share them on Apify.
    const storageDir = newStorageDir();
    for (const step of steps) {
        const run = await runActor({
            baseUrl: emulator.baseUrl,
            input: step.input,
            payPerEvent: true,
            storageDir,
            env: 'env' in step ? step.env : undefined,
        });
        console.log(`\n▶ ${step.title}  —  exit code ${run.exitCode}, status: ${run.statusMessage ?? '(none)'}`);
        const charged = run.charges.map((charge) => `${charge.chargedCount} × ${charge.eventName}`).join(', ') || 'nothing';
        console.table(run.items.map((item) => row(item, step.columns)));
        console.log(`  charged: ${charged}`);
        if (run.exitCode !== 0) {
            console.log(run.log);
            process.exitCode = 1;
        }
    }
    console.log(`\n${emulator.requests.length} requests reached the emulated Pinterest API.`);
} finally {
    await emulator.close();
}

/** Picks the columns worth showing; metrics are flattened and long text (but not links) shortened to fit a terminal. */
function row(item: Record<string, unknown>, columns: string[]): Record<string, unknown> {
    const metrics = (item.metrics as { last90Days?: Record<string, number> } | undefined)?.last90Days;
    const message = (item.error as { message?: string } | null | undefined)?.message ?? item.reason;
    const values: Record<string, unknown> = { ...item, impressions90d: metrics?.impression, pinClicks90d: metrics?.pinClick, message };
    return Object.fromEntries(columns.map((column) => [column, column === 'url' ? values[column] : shorten(values[column])]));
}

function shorten(value: unknown): unknown {
    return typeof value === 'string' && value.length > 64 ? `${value.slice(0, 61)}…` : value;
}
