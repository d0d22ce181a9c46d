/**
 * `npm run build`: bundles the Actor into dist/ with esbuild, the artefact the Docker image runs and the
 * end-to-end tests and the benchmark spawn (`node dist/main.js`). No node_modules is needed next to it.
 * Type-checking is `npm run typecheck` (tsc --noEmit); this only strips types.
 *
 * Why each option (see README, "Performance"). Each one pays on the platform, where users run the Actor; none
 * edits the text of an SDK file, except the barrels, which are rewritten statement by statement and stop the
 * build on any statement they do not know:
 * - ESM with code splitting: every `import()` (the modes table, and lazy imports inside dependencies such as
 *   the proxy agent and got-scraping) becomes its own chunk, loaded only when that code runs.
 * - keepNames: Crawlee's storage manager derives method names from class names (`KeyValueStore` ->
 *   `keyValueStore`); renamed classes break local and platform storage.
 * - the createRequire banner: the CommonJS parts of the SDK call `require` for Node built-ins.
 * - LEFT_OUT: packages the SDK loads at start-up for features this Actor never uses (HTTP/2, HTML parsing, the
 *   public-suffix list). esbuild's `alias` points each at scripts/left-out.mjs, whose exports throw a clear error
 *   if ever called; test/unit/build.test.ts and the end-to-end tests (which run this bundle) show nothing reaches them.
 * - zod's locales: only English, the messages the Actor uses.
 * - CommonJS entries: the SDK's ES-module entries read every export of their CommonJS entry at load.
 * - Lazy barrels: Crawlee's index files load every module of the package; here a module loads when first used.
 * - CommonJS chunks: lazily imported CommonJS packages keep their named exports (the platform's API client needs it).
 * test/e2e/bundle.test.ts runs the result from a folder without node_modules, with local and platform storage.
 *
 * Not done on purpose: creating the platform's API client on first use, JSON.parse before JSON5 for local storage,
 * Node's util.inspect for the event emitter's copy. Each needs an exact-string patch of an SDK file, which breaks on
 * a dependency bump, and each gains only locally (README, "Start-up locally and on the platform").
 */
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT_DIR = fileURLToPath(new URL('../dist/', import.meta.url));

/** Packages left out of the bundle: esbuild's `alias` points each at LEFT_OUT_STAND_IN (scripts/left-out.mjs). */
export const LEFT_OUT = [
    // got loads it for `http2: true`, which the Pinterest client never sets; loading it builds a TLS context (~30 ms).
    'http2-wrapper',
    // Crawlee's HTML helpers (social handles, Open Graph, html-to-text) for its crawlers; with parse5, htmlparser2, css-select.
    'cheerio',
    // The public-suffix list (about 140 KB), for Crawlee's same-domain link filters and tough-cookie's cookie jar.
    'tldts',
];

/** The module that stands in for every left-out package. */
export const LEFT_OUT_STAND_IN = fileURLToPath(new URL('./left-out.mjs', import.meta.url));

/** Where Node's require would find `specifier` from a file in `dir`. */
const resolveFrom = (dir, specifier) => createRequire(join(dir, 'importer.js')).resolve(specifier);

const exactNames = (names) => new RegExp(`^(${names.map((name) => name.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')).join('|')})$`);

const substitutes = {
    name: 'substitutes',
    setup(pluginBuild) {
        // The SDK's ES-module entries copy every export of their CommonJS entry at load, which reads (and so loads)
        // everything a barrel would defer: the Actor's imports of them go to the CommonJS entries.
        pluginBuild.onResolve({ filter: exactNames(COMMON_JS_ENTRIES) }, (args) => ({
            path: resolveFrom(args.resolveDir, args.path),
        }));

        // Barrels: the SDK's `@crawlee/utils` and `@crawlee/core` index files re-export every module of the package, so
        // loading the index runs them all (HTML and sitemap helpers, crawlers, session pools...). Each re-export becomes
        // a getter instead, and a module runs when one of its exports is first read.
        pluginBuild.onLoad({ filter: LAZY_BARRELS }, async (args) => ({
            contents: lazyBarrel(args.path, await readFile(args.path, 'utf8')),
            loader: 'js',
        }));

        // zod's `z.locales` namespace holds its error messages in 40-odd languages (about 260 KB to compile at every
        // start); the Actor uses zod's default English messages only, which zod imports on its own.
        pluginBuild.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
            /[\\/]zod[\\/]/.test(args.importer) ? { path: join(dirname(args.importer), args.path), namespace: 'zod-locales' } : undefined,
        );
        pluginBuild.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
            contents: "export { default as en } from './en.js';",
            loader: 'js',
            resolveDir: dirname(args.path),
        }));
    },
};

/** Packages the Actor imports by their CommonJS entry rather than their ES-module one. */
export const COMMON_JS_ENTRIES = ['apify', '@crawlee/core'];

/** Packages whose index re-exports all their modules: each module loads on first use (see lazyBarrel). */
export const LAZY_BARREL_PACKAGES = ['@crawlee/core', '@crawlee/utils', '@crawlee/memory-storage'];
/**
 * Which of their files are barrels: every index.js of Crawlee's core and utils (`@crawlee/core/storages` loads the
 * request lists and sitemaps with their parsers, `session_pool` the cookie jar), and the storage package's main one.
 */
export const LAZY_BARRELS = /[\\/]node_modules[\\/]@crawlee[\\/]((core|utils)[\\/]([\w-]+[\\/])*|memory-storage[\\/])index\.js$/;

/**
 * Rewrites a TypeScript-compiled CommonJS barrel (`__exportStar(require(...))` lines and re-exported bindings) so
 * that each module it re-exports is required on first use. Export names are read by loading the modules here, at
 * build time. Any other statement means the barrel changed: the build stops rather than guess.
 */
export function lazyBarrel(file, source) {
    const requireHere = createRequire(file);
    const loaders = [];
    const loaderFor = (specifier, namespace = false) => {
        loaders.push(
            `const m${loaders.length} = lazy(() => ${namespace ? 'tslib.__importStar(' : ''}require(${JSON.stringify(specifier)})${namespace ? ')' : ''});`,
        );
        return `m${loaders.length - 1}`;
    };
    const bindings = new Map();
    const variables = new Map();
    const stars = [];
    for (const statement of source
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line && !line.startsWith('//'))) {
        let match;
        if (statement === '"use strict";' || statement === 'Object.defineProperty(exports, "__esModule", { value: true });') continue;
        if (/^exports\.[\w$]+ = (exports\.[\w$]+ = )*void 0;$/.test(statement)) continue;
        if (/^const tslib_1 = require\("tslib"\);$/.test(statement)) continue;
        if ((match = /^tslib_1\.__exportStar\(require\("([^"]+)"\), exports\);$/.exec(statement))) stars.push(match[1]);
        else if ((match = /^exports\.([\w$]+) = tslib_1\.__importStar\(require\("([^"]+)"\)\);$/.exec(statement)))
            bindings.set(match[1], `${loaderFor(match[2], true)}()`);
        else if ((match = /^var ([\w$]+) = require\("([^"]+)"\);$/.exec(statement))) variables.set(match[1], loaderFor(match[2]));
        else if (
            (match =
                /^Object\.defineProperty\(exports, "([\w$]+)", \{ enumerable: true, get: function \(\) \{ return ([\w$]+)\.([\w$]+); \} \}\);$/.exec(
                    statement,
                )) &&
            variables.has(match[2])
        ) {
            bindings.set(match[1], `${variables.get(match[2])}().${match[3]}`);
        } else throw new Error(`${file} changed (unexpected statement: ${statement.slice(0, 120)}): update lazyBarrel in scripts/build.mjs.`);
    }
    // As __exportStar does: the first module to export a name wins, and explicit bindings win over stars.
    for (const specifier of stars) {
        const loader = loaderFor(specifier);
        for (const name of Object.keys(requireHere(specifier)))
            if (name !== 'default' && !bindings.has(name)) bindings.set(name, `${loader}().${name}`);
    }
    return [
        '"use strict";',
        'Object.defineProperty(exports, "__esModule", { value: true });',
        'const tslib = require("tslib");',
        'const lazy = (load) => { let loaded; let done = false; return () => (done ? loaded : ((loaded = load()), (done = true), loaded)); };',
        ...loaders,
        ...[...bindings].map(
            ([name, value]) => `Object.defineProperty(exports, ${JSON.stringify(name)}, { enumerable: true, get: () => ${value} });`,
        ),
    ].join('\n');
}

/**
 * A dependency's `import('some-package')` becomes a chunk of its own, loaded when that code runs. When the package
 * is CommonJS, esbuild's chunk exports only `default`, where Node (and the dependency) expect named exports too:
 * the Apify API client's `const { ProxyAgent } = await import('proxy-agent')` got undefined, which broke every
 * platform storage call. Such imports go through a module that re-exports the package's names (read by loading
 * it here, at build time) next to `default`, as Node's own import of CommonJS does.
 */
const commonJsChunks = {
    name: 'common-js-chunks',
    setup(pluginBuild) {
        pluginBuild.onResolve({ filter: /^[^./]/ }, async (args) => {
            if (args.kind !== 'dynamic-import' || args.namespace !== 'file' || !args.importer.includes('node_modules')) return undefined;
            if (args.path.startsWith('node:') || builtinModules.includes(args.path)) return undefined;
            const resolved = await pluginBuild.resolve(args.path, { kind: 'require-call', resolveDir: args.resolveDir });
            if (resolved.errors.length || !(await isCommonJs(resolved.path))) return undefined;
            return { path: resolved.path, namespace: 'common-js-chunk' };
        });
        pluginBuild.onLoad({ filter: /.*/, namespace: 'common-js-chunk' }, (args) => {
            const names = Object.keys(createRequire(args.path)(args.path)).filter((name) => name !== 'default' && /^[A-Za-z_$][\w$]*$/.test(name));
            const target = JSON.stringify(args.path);
            // require(), not import: the default export is module.exports itself, as in Node, whatever its __esModule says.
            return {
                contents: [
                    `const commonJs = require(${target});`,
                    'export default commonJs;',
                    ...names.map((name) => `export const ${name} = commonJs.${name};`),
                ].join('\n'),
                loader: 'js',
                resolveDir: dirname(args.path),
            };
        });
    },
};

async function isCommonJs(file) {
    if (file.endsWith('.cjs')) return true;
    if (file.endsWith('.mjs')) return false;
    for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
        const manifest = join(dir, 'package.json');
        if (existsSync(manifest)) return JSON.parse(await readFile(manifest, 'utf8')).type !== 'module';
    }
    return true;
}

export async function buildActor({ outDir = OUT_DIR, metafile = false, minify = true } = {}) {
    await rm(outDir, { recursive: true, force: true });
    const result = await build({
        absWorkingDir: ROOT,
        entryPoints: ['src/main.ts'],
        outdir: outDir,
        bundle: true,
        platform: 'node',
        target: 'node20',
        format: 'esm',
        splitting: true,
        chunkNames: 'chunks/[name]-[hash]',
        minify,
        keepNames: true,
        legalComments: 'eof',
        alias: Object.fromEntries(LEFT_OUT.map((name) => [name, LEFT_OUT_STAND_IN])),
        banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
        plugins: [substitutes, commonJsChunks],
        metafile,
        logLevel: 'warning',
    });
    // dist/ runs on its own in the image (no package.json next to it there): mark its .js files as ES modules.
    await writeFile(`${outDir}/package.json`, `${JSON.stringify({ type: 'module' })}\n`);
    return result;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildActor({ metafile: process.argv.includes('--metafile') });
