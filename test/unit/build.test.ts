/**
 * The production bundle (scripts/build.mjs): a run loads only what its mode uses, the packages left out of the
 * bundle are ones the Actor's code never reaches, and reaching one anyway fails with a clear error instead of
 * something undefined. The end-to-end tests run this bundle, so they cover what it does include.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildActor, LAZY_BARREL_PACKAGES, LAZY_BARRELS, lazyBarrel, LEFT_OUT, LEFT_OUT_STAND_IN } from '../../scripts/build.mjs';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const outDir = mkdtempSync(join(tmpdir(), 'actor-bundle-'));
let metafile: Metafile;

beforeAll(async () => {
    metafile = (await buildActor({ outDir, metafile: true })).metafile;
}, 60_000);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const outputs = () => Object.entries(metafile.outputs).map(([path, output]) => ({ path, ...output, inputs: Object.keys(output.inputs) }));
const entry = () => outputs().find((output) => output.entryPoint === 'src/main.ts');

/** The files node loads at start-up: the entry and whatever it imports statically, transitively. */
function startUpFiles(): string[] {
    const seen = new Set<string>();
    const visit = (path: string) => {
        if (seen.has(path)) return;
        seen.add(path);
        for (const imported of metafile.outputs[path]?.imports ?? [])
            if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
    };
    visit(entry()?.path ?? '');
    return [...seen];
}
const inputsOf = (paths: string[]) => paths.flatMap((path) => Object.keys(metafile.outputs[path]?.inputs ?? {}));
const sourceFiles = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? sourceFiles(join(dir, name)) : [join(dir, name)]));

describe('the bundle', () => {
    it('is dist/main.js with ES-module chunks beside it', () => {
        expect(relative(outDir, join(process.cwd(), entry()?.path ?? ''))).toBe('main.js');
        expect(JSON.parse(readFileSync(join(outDir, 'package.json'), 'utf8'))).toEqual({ type: 'module' });
    });

    it('loads at start-up only what every run needs: the modes’ input schemas, not their machinery', () => {
        // Each mode file declares its input (validated before anything else) and loads its work on first use.
        const atStartUp = inputsOf(startUpFiles());
        const heavy = ['node_modules/luxon/', 'node_modules/csv-parse/', 'node_modules/d3-'];
        expect(atStartUp.filter((input) => heavy.some((name) => input.includes(name)))).toEqual([]);
        // Every mode with a folder keeps its machinery in run.ts, loaded by its index.ts only when it runs.
        const modeRuns = sourceFiles(join(SRC, 'modes'))
            .filter((file) => file.endsWith('/run.ts'))
            .map((file) => relative(join(SRC, '..'), file));
        expect(modeRuns.length).toBeGreaterThanOrEqual(4);
        const machinery = [
            ...modeRuns,
            'src/publish/publisher.ts',
            'src/publish/csv.ts',
            'src/publish/media.ts',
            'src/schedule/time.ts',
            'src/schedule/spacing.ts',
            'src/analytics/report/report.ts',
        ];
        expect(atStartUp.filter((input) => machinery.includes(input))).toEqual([]);
        for (const file of machinery)
            expect(
                outputs().some((output) => output.inputs.includes(file)),
                file,
            ).toBe(true);
    });

    it('does not contain the auth helper, a local command-line tool', () => {
        expect(
            outputs()
                .flatMap((output) => output.inputs)
                .filter((input) => input.startsWith('src/auth/')),
        ).toEqual([]);
    });

    it('leaves out the packages it replaces, and all of zod’s locales but English', () => {
        const inputs = outputs().flatMap((output) => output.inputs);
        for (const name of LEFT_OUT)
            expect(
                inputs.filter((input) => input.includes(`node_modules/${name}/`)),
                name,
            ).toEqual([]);
        expect(
            inputs
                .filter((input) => !input.startsWith('zod-locales:') && /zod\/.*\/locales\//.test(input))
                .map((input) => input.replace(/.*\/locales\//, '')),
        ).toEqual(['en.js']);
    });
});

describe('lazy barrels', () => {
    const require = createRequire(import.meta.url);
    const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));
    const barrels = LAZY_BARREL_PACKAGES.flatMap((name) => sourceFiles(packageDir(name)).filter((file) => LAZY_BARRELS.test(file)));

    it('are the index files of the packages named', () => {
        for (const name of LAZY_BARREL_PACKAGES) expect(barrels).toContain(require.resolve(name));
        expect(barrels.length).toBeGreaterThan(LAZY_BARREL_PACKAGES.length); // and the folders' index files
    });

    it.each(barrels.map((file) => [relative(process.cwd(), file), file]))('%s keeps every export name, each read through a getter', (_, file) => {
        const generated = lazyBarrel(file, readFileSync(file, 'utf8'));
        const names = [...generated.matchAll(/Object\.defineProperty\(exports, "([^"]+)", \{ enumerable: true, get: /g)].map((match) => match[1]);
        expect(names.sort()).toEqual(Object.keys(require(file) as object).sort());
    });
});

describe('what the bundle leaves out', () => {
    const source = sourceFiles(SRC)
        .filter((file) => file.endsWith('.ts'))
        .map((file) => readFileSync(file, 'utf8'))
        .join('\n');

    it('is never asked for by the Actor’s own code', () => {
        expect(source).not.toMatch(/\bhttp2\s*:/); // got's `http2: true` is what would load http2-wrapper
        for (const name of LEFT_OUT) expect(source).not.toContain(`'${name}'`);
        expect(source).not.toMatch(/\bz\.locales\b|zod\/(v4\/)?locales/);
    });

    type StandIn = { load(html: string): unknown; getDomain(url: string): unknown; default: { auto: unknown; globalAgent: unknown } };
    // What each package's importers in the SDK read (see scripts/left-out.mjs).
    const uses: Array<[string, (standIn: StandIn) => unknown]> = [
        ['cheerio.load', (standIn) => standIn.load('<p>')],
        ['tldts.getDomain', (standIn) => standIn.getDomain('www.example.com')],
        ['http2-wrapper.auto', (standIn) => standIn.default.auto],
        ['http2-wrapper.globalAgent', (standIn) => standIn.default.globalAgent],
    ];

    it('is one stand-in for every package left out, with nothing in it but what their importers read', async () => {
        const standIn = (await import(LEFT_OUT_STAND_IN)) as StandIn;
        const exported = [
            ...Object.keys(standIn).filter((key) => key !== 'default'),
            ...Object.keys(Object.getOwnPropertyDescriptors(standIn.default)).map((key) => `default.${key}`),
        ];
        expect(exported.sort()).toEqual(['default.auto', 'default.globalAgent', 'getDomain', 'load']);
        expect([...new Set(uses.map(([what]) => what.split('.')[0]))].sort()).toEqual([...LEFT_OUT].sort());
        expect(outputs().some((output) => output.inputs.includes(relative(process.cwd(), LEFT_OUT_STAND_IN)))).toBe(true);
    });

    it.each(uses)('%s: using it fails with a sentence that says why', async (what, use) => {
        const standIn = (await import(LEFT_OUT_STAND_IN)) as StandIn;
        expect(() => use(standIn)).toThrow(`${what} is left out of this Actor's bundle (scripts/build.mjs), because the Actor never uses it.`);
    });
});
