/**
 * `npm run bench`: every group of scenarios, or one with `npm run bench -- --only <group>`.
 * - `local` (local.ts): the Actor against the emulator with 80 ms per request, beside plain scripts, with local storage;
 * - `platform` (platform.ts): the Actor on the platform's path, its storage through the Apify API stand-in with
 *   30 ms per call, counting storage calls: the scheduling queue with 5,000 entries, and list-boards.
 * The kill soak (`npm run bench:soak`) and the 100,000-row CSV (`npm run bench:csv`) are scripts of their own.
 */
const GROUPS = { local: './local.js', platform: './platform.js' } as const;
type Group = keyof typeof GROUPS;

const flag = process.argv.indexOf('--only');
const only = flag >= 0 ? process.argv[flag + 1] : undefined;
if (only !== undefined && !(only in GROUPS)) {
    console.error(`--only takes one of: ${Object.keys(GROUPS).join(', ')} (not "${only}").`);
    process.exit(2);
}
for (const group of Object.keys(GROUPS) as Group[]) {
    if (only === undefined || only === group) await import(GROUPS[group]);
}
