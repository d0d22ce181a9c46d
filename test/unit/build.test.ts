/**
 * The production bundle (scripts/build.mjs): a run loads only what its mode uses, the packages left out of the
 * bundle are ones the Actor's code never reaches, and reaching one anyway fails with a clear error instead of
 * something undefined. The end-to-end tests run this bundle, so they cover what it does include.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
    buildActor,
    createdOnFirstUse,
    LAZY_BARREL_PACKAGES,
    LAZY_BARRELS,
    LAZY_PACKAGES,
    jsonFirst,
    lazyBarrel,
    lazyPackage,
    LEFT_OUT,
    leftOutModule,
} from '../../scripts/build.mjs';

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
        for (const name of Object.keys(LEFT_OUT))
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
        for (const name of Object.keys(LEFT_OUT)) expect(source).not.toContain(`'${name}'`);
        expect(source).not.toMatch(/\bz\.locales\b|zod\/(v4\/)?locales/);
    });

    it.each(Object.entries(LEFT_OUT))('%s: using it fails with a sentence that says why', async (name, exports) => {
        const dir = mkdtempSync(join(tmpdir(), 'left-out-'));
        try {
            const file = join(dir, 'stand-in.mjs');
            writeFileSync(file, leftOutModule(name, exports));
            const module = (await import(file)) as Record<string, unknown> & { default?: Record<string, unknown> };
            for (const key of exports.named ?? [])
                expect(() => (module[key] as () => unknown)()).toThrow(`${name}.${key} is left out of this Actor's bundle`);
            for (const key of exports.default ?? []) expect(() => module.default?.[key]).toThrow(`${name}.${key} is left out of this Actor's bundle`);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe('lazy packages', () => {
    const require = createRequire(import.meta.url);
    it.each(LAZY_PACKAGES)('%s keeps every export name, each read through a getter that gives the package’s own', (name) => {
        const generated = lazyPackage(require.resolve(name));
        const names = [...generated.matchAll(/Object\.defineProperty\(exports, "([^"]+)", \{ enumerable: true, get: /g)].map((match) => match[1]);
        const real = require(name) as Record<string, unknown>;
        expect(names.sort()).toEqual(Object.keys(real).sort());
        const dir = mkdtempSync(join(tmpdir(), 'lazy-package-'));
        try {
            writeFileSync(join(dir, 'facade.cjs'), generated);
            const facade = require(join(dir, 'facade.cjs')) as Record<string, unknown>;
            for (const key of names) expect(facade[key as string], key).toBe(real[key as string]);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    it('an object created on first use is not created before, and behaves as itself after', () => {
        class Client {
            #secret = 'private field';
            label = 'client';
            reveal() {
                return this.#secret;
            }
        }
        let created = 0;
        const client = createdOnFirstUse(() => {
            created += 1;
            return new Client();
        });
        expect(created).toBe(0);
        expect(client.reveal()).toBe('private field'); // methods run on the real object
        expect(client).toBeInstanceOf(Client);
        expect('label' in client).toBe(true);
        client.label = 'renamed';
        expect(client.label).toBe('renamed');
        expect(created).toBe(1);
    });
});

describe('JSON5 for local storage', () => {
    const require = createRequire(import.meta.url);
    const json5File = require.resolve('json5');
    let stand: { parse(text: string, reviver?: (key: string, value: unknown) => unknown): unknown; stringify(value: unknown): string };
    let dir: string;

    beforeAll(() => {
        dir = mkdtempSync(join(tmpdir(), 'json-first-'));
        writeFileSync(join(dir, 'json5.cjs'), jsonFirst(json5File));
        stand = require(join(dir, 'json5.cjs')) as typeof stand;
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('reads JSON as JSON5 does, and what only JSON5 accepts through JSON5', () => {
        const json5 = require('json5') as typeof stand;
        const texts = ['{"pins":[{"title":"A \\u00e9","n":1e3}],"ok":true,"none":null}', "{ pins: ['a', 'b',], // hand-edited\n }", '  42 '];
        for (const text of texts) expect(stand.parse(text)).toEqual(json5.parse(text));
        expect(stand.parse('{"a":1,"b":2}', (key, value) => (key === 'a' ? 10 : value))).toEqual({ a: 10, b: 2 });
        expect(stand.stringify({ a: 1 })).toBe(json5.stringify({ a: 1 }));
    });

    it('rejects what JSON5 rejects, with its message', () => {
        expect(() => stand.parse('{ pins: [ }')).toThrow(/JSON5: invalid character/);
    });
});
