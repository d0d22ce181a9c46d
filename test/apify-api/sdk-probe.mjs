// Run by apify-api.test.ts as an Actor on the platform (the stand-in's run environment): it uses the SDK the way the
// Actor does and prints what the SDK read back, so the test can compare it with the stand-in's state.
import { Buffer } from 'node:buffer';
import process from 'node:process';

import { Actor } from 'apify';

await Actor.init();
const input = await Actor.getInput();
const store = await Actor.openKeyValueStore(input.storeName);
await store.setValue('json-record', { hello: 'world', long: 'x'.repeat(4000) });
await store.setValue('page.html', '<h1>Report</h1>', { contentType: 'text/html; charset=utf-8' });
await store.setValue('bytes', Buffer.from([0, 1, 2, 254, 255]), { contentType: 'application/octet-stream' });
await store.setValue('doomed', { bye: true });
await store.setValue('doomed', null);

const keys = [];
await store.forEachKey(
    async (key) => {
        keys.push(key);
    },
    { prefix: input.prefix },
);
const pushed = await Actor.pushData(
    input.items.map((n) => ({ n })),
    input.eventName,
);
const charged = await Actor.charge({ eventName: input.eventName, count: 1 });
const dataset = await Actor.openDataset();
const page = await dataset.getData({ offset: 1, limit: 2 });
const bytes = await store.getValue('bytes');
const report = {
    secret: input.secret,
    keys,
    json: await store.getValue('json-record'),
    html: await store.getValue('page.html'),
    bytes: Buffer.isBuffer(bytes) ? [...bytes] : bytes,
    doomed: await store.getValue('doomed'),
    pushed,
    charged,
    page: page.items,
    info: await dataset.getInfo(),
};
process.stdout.write(`\nSDK_PROBE ${JSON.stringify(report)}\n`);
await Actor.exit('Probe done.');
