/**
 * Runs the emulator with demo data until Ctrl-C.
 *
 *     npx tsx test/emulator/cli.ts [--port 8080] [--boards 4] [--pins 12] [--trial] [--sandbox] [--now 2026-12-04T18:05:00Z]
 *
 * `--now` starts the emulator's clock at that time (it then runs at real speed), as ACTOR_TEST_NOW does the Actor's:
 * give both the same time to try "later" (analytics days, token expiry, scheduled pins) without waiting. The pins'
 * images are served on 127.0.0.1 too, so a report made from the demo data has thumbnails without the internet.
 */
import { startImageServer } from '../e2e/analytics-fixture.js';
import { startEmulator } from './index.js';
import { seedDemoAccount } from './seed.js';

function option(name: string): string | undefined {
    const index = process.argv.indexOf(`--${name}`);
    if (index === -1) return undefined;
    const value = process.argv[index + 1];
    if (value === undefined || value.startsWith('--')) throw new Error(`--${name} needs a value`);
    return value;
}

function integer(name: string, fallback: number): number {
    const raw = option(name);
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw)) throw new Error(`--${name} must be a non-negative integer`);
    return Number(raw);
}

/** `--now`: a clock that starts at the given ISO 8601 time and runs at real speed; the real clock without it. */
function clock(): () => number {
    const raw = option('now');
    if (raw === undefined) return Date.now;
    const start = Date.parse(raw);
    if (Number.isNaN(start)) throw new Error(`--now must be an ISO 8601 time such as 2026-12-04T18:05:00Z, not "${raw}"`);
    const offset = start - Date.now();
    return () => Date.now() + offset;
}

async function main(): Promise<void> {
    const now = clock();
    const emulator = await startEmulator({ port: integer('port', 0), now });
    const images = await startImageServer();
    const seeded = seedDemoAccount(emulator, {
        imageUrl: images.url,
        boards: integer('boards', 4),
        pinsPerBoard: integer('pins', 12),
        trial: process.argv.includes('--trial'),
        environment: process.argv.includes('--sandbox') ? 'sandbox' : 'production',
    });
    const { app, user, tokens, boards } = seeded;
    console.log(`Pinterest API v5 emulator (spec ${emulator.specVersion}) listening`);
    console.log('');
    console.log(`  Base URL       ${emulator.baseUrl}`);
    console.log(`  Clock          ${new Date(now()).toISOString()}${now === Date.now ? '' : ' (--now; give the Actor the same ACTOR_TEST_NOW)'}`);
    console.log(`  Access token   ${tokens.accessToken}`);
    console.log(`  Refresh token  ${tokens.refreshToken}`);
    console.log(`  App id         ${app.appId}`);
    console.log(`  App secret     ${app.appSecret}`);
    console.log(`  Trial app      ${app.trial}`);
    console.log(`  User           ${user.username} (${user.id})`);
    console.log(`  Boards         ${boards.map((b) => `${b.id} "${b.name}" (${b.pin_count} pins)`).join('\n                 ')}`);
    console.log('');
    console.log(`  Consent page   ${emulator.origin}/oauth/ (Pinterest's https://www.pinterest.com/oauth/; add username=${user.username})`);
    console.log('');
    console.log(`  Try: curl -H "Authorization: Bearer ${tokens.accessToken}" ${emulator.baseUrl}/boards`);
    console.log('');
    console.log('Press Ctrl-C to stop.');

    let stopping = false;
    const stop = (): void => {
        if (stopping) return;
        stopping = true;
        Promise.all([emulator.close(), images.close()]).then(
            () => process.exit(0),
            () => process.exit(1),
        );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
});
