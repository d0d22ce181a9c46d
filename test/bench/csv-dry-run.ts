/**
 * `npm run bench:csv`: a dry run of create-pin over a 100,000-row CSV in Pinterest's bulk format (README "CSV
 * format"), given as the Actor gets a large one: `pinsCsvUrl`, here served from 127.0.0.1. The built Actor (a copy
 * of dist/) runs on the platform's path with the image's node flags for 128 MB (its rows go to the Apify API
 * stand-in's dataset, as on the platform), against the emulator, which holds the boards the rows name.
 *
 * It reports the rows read and stored by status, wall time and peak RSS (the process's maxRSS at exit, which is
 * the kernel's VmHWM), and exits non-zero when the run fails, stores another number of rows, or peaks at 128 MB
 * or more.
 *
 * Environment: CSV_ROWS (default 100,000), BENCH_NODE, BENCH_RESULTS_DIR (default bench/results), CSV_WATCH_MEMORY=1
 * (the Actor's memory every 2 s in its log, which is printed).
 */
import { once } from 'node:events';
import { cpSync, createReadStream, createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { startApifyApi } from '../apify-api/index.js';
import { ALL_SCOPES } from '../e2e/fixture.js';
import { DEFAULT_MEMORY_MBYTES, imageNodeArgs, newStorageDir, spawnActor } from '../e2e/harness.js';
import { startEmulator } from '../emulator/index.js';
import { round } from './stats.js';

const ROWS = Number(process.env.CSV_ROWS ?? 100_000);
const NODE = process.env.BENCH_NODE || process.execPath;
const RESULTS_DIR = process.env.BENCH_RESULTS_DIR || fileURLToPath(new URL('../../bench/results/', import.meta.url));
const REPORT_USAGE = fileURLToPath(new URL('./report-usage.mjs', import.meta.url));
const WATCH_MEMORY = process.env.CSV_WATCH_MEMORY ? ['--import', fileURLToPath(new URL('./watch-memory.mjs', import.meta.url))] : [];
const MEMORY_LIMIT_MIB = DEFAULT_MEMORY_MBYTES;
const BOARDS = ['Summer Recipes', 'Winter Recipes', 'Drinks', 'Desserts', 'Weeknight Dinners'];

// ---- The CSV: Pinterest's template columns; one row in seven a video, one in ten with a publish date, one in a
// hundred with a link that is not one (a failed row).
const workDir = mkdtempSync(join(tmpdir(), 'csv-dry-run-'));
const csvPath = join(workDir, 'pins.csv');
const firstPublishAt = Date.now() + 7 * 86_400_000;
{
    const out = createWriteStream(csvPath);
    const write = async (line: string) => {
        if (!out.write(`${line}\n`)) await once(out, 'drain');
    };
    await write('Title,Media URL,Pinterest board,Thumbnail,Description,Link,Publish date');
    for (let row = 1; row <= ROWS; row += 1) {
        const publishDate = row % 10 === 0 ? new Date(firstPublishAt + row * 60_000).toISOString().slice(0, 16) : '';
        const link = row % 100 === 0 ? 'not a link' : `https://example.com/products/${row}`;
        const video = row % 7 === 0;
        const media = video ? `https://example.com/videos/${row}.mp4` : `https://example.com/images/${row}.jpg`;
        const cover = video ? `https://example.com/covers/${row}.jpg` : '';
        await write(`"Pin ${row}, a bench row",${media},${BOARDS[row % BOARDS.length]},${cover},"Description of pin ${row}",${link},${publishDate}`);
    }
    out.end();
    await once(out, 'finish');
}
const csvBytes = statSync(csvPath).size;
const server = createServer((_, res) => {
    res.writeHead(200, { 'Content-Type': 'text/csv', 'Content-Length': String(csvBytes) });
    createReadStream(csvPath).pipe(res);
});
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const csvUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/pins.csv`;

// ---- Pinterest and the platform.
const emulator = await startEmulator();
const app = emulator.state.createApp({});
const userId = emulator.state.createUser({ username: 'csvbench' }).id;
const token = emulator.state.issueTokens({ userId, appId: app.appId, scopes: ALL_SCOPES }).accessToken;
for (const name of BOARDS) emulator.state.createBoard(userId, { name });
const api = await startApifyApi();
const user = api.createUser();
const run = api.startRun({ user, input: { mode: 'create-pin', accessToken: token, dryRun: true, pinsCsvUrl: csvUrl } });

const shippedDir = mkdtempSync(join(tmpdir(), 'csv-dry-run-actor-'));
cpSync(fileURLToPath(new URL('../../dist', import.meta.url)), join(shippedDir, 'dist'), { recursive: true });
const storageDir = newStorageDir();
const spawned = await spawnActor(
    { CRAWLEE_STORAGE_DIR: storageDir, APIFY_LOCAL_STORAGE_DIR: storageDir, APIFY_LOG_LEVEL: 'INFO', ...api.runEnv(run.id) },
    {
        baseUrl: emulator.baseUrl,
        main: join(shippedDir, 'dist', 'main.js'),
        nodePath: NODE,
        nodeArgs: ['--import', REPORT_USAGE, ...WATCH_MEMORY],
        timeoutMs: 1_800_000,
    },
    { record: () => undefined, items: () => [], charges: () => [] },
);
api.finishRun(run.id, spawned.exitCode);

const items = api.datasetItems(run.defaultDatasetId).filter((item) => item.type === 'pinResult');
const byStatus: Record<string, number> = {};
for (const item of items) byStatus[String(item.status)] = (byStatus[String(item.status)] ?? 0) + 1;
if (WATCH_MEMORY.length)
    console.log(
        spawned.log
            .split('\n')
            .filter((line) => line.startsWith('BENCH_MEMORY'))
            .join('\n'),
    );
const usage = JSON.parse(/BENCH_USAGE (.*)/.exec(spawned.log)?.[1] ?? '{}') as { maxRssKb?: number };
const figures = {
    date: new Date().toISOString(),
    node: (await import('node:child_process')).execFileSync(NODE, ['--version']).toString().trim(),
    actorNodeArgs: imageNodeArgs(DEFAULT_MEMORY_MBYTES),
    rows: ROWS,
    csvMiB: round(csvBytes / 1024 / 1024, 1),
    exitCode: spawned.exitCode,
    statusMessage: api.state.runs.get(run.id)?.statusMessage ?? null,
    rowsStored: items.length,
    byStatus,
    datasetPushes: api.callCounts()['dataset.push'] ?? 0,
    apiCallsByKind: api.callCounts(),
    wallSeconds: round((spawned.endedAt - spawned.startedAt) / 1000, 1),
    peakRssMiB: usage.maxRssKb ? round(usage.maxRssKb / 1024, 1) : null,
};
server.close();
await emulator.close();
await api.close();
for (const dir of [workDir, shippedDir, storageDir]) rmSync(dir, { recursive: true, force: true });
mkdirSync(RESULTS_DIR, { recursive: true });
writeFileSync(join(RESULTS_DIR, 'csv-dry-run.json'), `${JSON.stringify(figures, null, 2)}\n`);

console.log(
    `\ncreate-pin dry run of a ${ROWS.toLocaleString('en-US')}-row CSV (${figures.csvMiB} MiB) from pinsCsvUrl, on the platform's path, ` +
        `${figures.node} with ${figures.actorNodeArgs.join(' ')}:`,
);
console.table({
    'rows stored': figures.rowsStored,
    ...Object.fromEntries(Object.entries(byStatus).map(([status, count]) => [`  ${status}`, count])),
    'dataset pushes': figures.datasetPushes,
    'wall time s': figures.wallSeconds,
    'peak RSS MiB': figures.peakRssMiB,
    'status message': figures.statusMessage,
});
const wrong = [
    spawned.exitCode !== 0 && `the run ended with exit code ${spawned.exitCode}:\n${spawned.log.slice(-3000)}`,
    figures.rowsStored !== ROWS && `${figures.rowsStored} rows stored, not ${ROWS}`,
    (figures.peakRssMiB ?? Infinity) >= MEMORY_LIMIT_MIB && `peak RSS ${figures.peakRssMiB} MiB, not under ${MEMORY_LIMIT_MIB} MB`,
].filter(Boolean);
if (wrong.length) {
    console.error(`Wrong results:\n- ${wrong.join('\n- ')}`);
    process.exitCode = 1;
}
