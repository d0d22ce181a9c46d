/**
 * The baselines the benchmark compares the Actor against: plain Node scripts written the way Pinterest's own
 * quickstart does it (got, one request after another, `page_size` 25), run as processes like the Actor.
 * Usage: node baseline.mjs '<plan as JSON>'; the plan names one function below and gives its arguments.
 * A new baseline is one more function here and the scenario that names it in scenarios.ts.
 */
import { writeFileSync } from 'node:fs';
import process from 'node:process';
import { setTimeout } from 'node:timers';

import got from 'got';

const BASELINES = {
    /** Pages through a list sequentially, 25 at a time, until the list ends or `maxItems` are in hand. */
    async listSequential({ baseUrl, token, path, query = {}, maxItems }) {
        const items = [];
        let bookmark;
        do {
            const searchParams = { ...query, page_size: 25, ...(bookmark ? { bookmark } : {}) };
            const page = await got(`${baseUrl}${path}`, { searchParams, headers: { Authorization: `Bearer ${token}` } }).json();
            items.push(...page.items);
            bookmark = page.bookmark;
        } while (bookmark && items.length < maxItems);
        return items.slice(0, maxItems);
    },

    /** Creates one pin with one POST. */
    async createPin({ baseUrl, token, body }) {
        return [await got.post(`${baseUrl}/pins`, { json: body, headers: { Authorization: `Bearer ${token}` } }).json()];
    },

    /** Creates pins one after another; on a 429 it waits for the reset Pinterest names and sends that pin again. */
    async createPinsSequentially({ baseUrl, token, bodies }) {
        const created = [];
        for (const body of bodies) created.push(await untilNot429(() => got.post(`${baseUrl}/pins`, { json: body, ...asUser(token) })));
        return created;
    },

    /** Lists a board's pins 25 at a time, then asks for each pin's analytics, one request per pin (waiting out 429s). */
    async pinAnalyticsPerPin({ baseUrl, token, boardId, maxItems, query }) {
        const pins = await BASELINES.listSequential({ baseUrl, token, path: `/boards/${boardId}/pins`, maxItems });
        const results = [];
        for (const pin of pins)
            results.push(await untilNot429(() => got(`${baseUrl}/pins/${pin.id}/analytics`, { searchParams: query, ...asUser(token) })));
        return results;
    },
};

const asUser = (token) => ({ headers: { Authorization: `Bearer ${token}` }, throwHttpErrors: false, responseType: 'json' });

/** Sends a request until it is not refused with 429, waiting for the reset Pinterest names each time, as a careful script would. */
async function untilNot429(send) {
    for (;;) {
        const response = await send();
        if (response.statusCode !== 429) return response.body;
        await sleep(1000 * Number(response.headers['x-ratelimit-reset'] ?? 1));
    }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const plan = JSON.parse(process.argv[2] ?? '{}');
const baseline = BASELINES[plan.baseline];
if (!baseline) throw new Error(`Unknown baseline "${plan.baseline}"; known: ${Object.keys(BASELINES).join(', ')}`);
const results = await baseline(plan);
// Like the quickstart's script, the results end up in one file.
if (plan.outFile) writeFileSync(plan.outFile, JSON.stringify(results));
process.stdout.write(`BASELINE_ITEMS ${results.length}\n`);
