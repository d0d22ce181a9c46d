/**
 * Cuts the operations the emulator serves out of Pinterest's full OpenAPI description.
 *
 *     npx tsx test/emulator/openapi/extract-subset.ts [path/to/openapi.json]
 *
 * The default input is `../shared/pinterest-api/openapi.json`, resolved against the project root. The output,
 * `pinterest-api-v5-subset.json` next to this file, keeps `info` (with the version), the selected operations and
 * every component they reach through `$ref` or a discriminator mapping, plus the security schemes they name.
 * The output is deterministic (no timestamps), so re-running it on the same input gives an identical file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The operations the emulator implements: [method, path relative to the `/v5` server URL]. */
export const SUBSET_OPERATIONS: ReadonlyArray<readonly [string, string]> = [
    ['get', '/user_account'],
    ['get', '/boards'],
    ['get', '/boards/{board_id}'],
    ['post', '/boards'],
    ['get', '/boards/{board_id}/pins'],
    ['get', '/boards/{board_id}/sections'],
    ['post', '/boards/{board_id}/sections'],
    ['get', '/pins'],
    ['post', '/pins'],
    ['get', '/pins/{pin_id}'],
    ['patch', '/pins/{pin_id}'],
    ['delete', '/pins/{pin_id}'],
    ['post', '/pins/{pin_id}/save'],
    ['get', '/media'],
    ['post', '/media'],
    ['get', '/media/{media_id}'],
    ['post', '/oauth/token'],
    ['get', '/pins/{pin_id}/analytics'],
    ['get', '/pins/analytics'],
    ['get', '/user_account/analytics'],
    ['get', '/user_account/analytics/top_pins'],
    ['get', '/user_account/analytics/top_video_pins'],
    ['get', '/ad_accounts/{ad_account_id}'],
];

type JsonObject = { [key: string]: unknown };

const HERE = dirname(fileURLToPath(import.meta.url));
export const PROJECT_ROOT = resolve(HERE, '../../..');
export const DEFAULT_SPEC_PATH = resolve(PROJECT_ROOT, '../shared/pinterest-api/openapi.json');
export const SUBSET_PATH = resolve(HERE, 'pinterest-api-v5-subset.json');

function isObject(value: unknown): value is JsonObject {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function resolvePointer(doc: JsonObject, ref: string): unknown {
    if (!ref.startsWith('#/')) throw new Error(`Only local $refs are supported, got ${ref}`);
    let node: unknown = doc;
    for (const raw of ref.slice(2).split('/')) {
        const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
        if (!isObject(node) || !(key in node)) throw new Error(`Dangling $ref ${ref}`);
        node = node[key];
    }
    return node;
}

/** Builds the subset document from a parsed full description. */
export function extractSubset(full: JsonObject): JsonObject {
    const paths = full.paths;
    const components = full.components;
    if (!isObject(paths) || !isObject(components)) throw new Error('Input does not look like an OpenAPI document');

    const refs = new Set<string>();
    const securitySchemes = new Set<string>();

    const visit = (node: unknown): void => {
        if (Array.isArray(node)) {
            node.forEach(visit);
            return;
        }
        if (!isObject(node)) return;
        for (const [key, value] of Object.entries(node)) {
            if (key === '$ref' && typeof value === 'string') {
                addRef(value);
            } else if (key === 'discriminator' && isObject(value) && isObject(value.mapping)) {
                for (const target of Object.values(value.mapping)) if (typeof target === 'string') addRef(target);
            } else {
                visit(value);
            }
        }
    };
    const addRef = (ref: string): void => {
        if (refs.has(ref)) return;
        refs.add(ref);
        visit(resolvePointer(full, ref));
    };

    const subsetPaths: JsonObject = {};
    for (const [method, path] of SUBSET_OPERATIONS) {
        const pathItem = paths[path];
        if (!isObject(pathItem)) throw new Error(`Path ${path} is missing from the input`);
        const operation = pathItem[method];
        if (!isObject(operation)) throw new Error(`Operation ${method.toUpperCase()} ${path} is missing from the input`);
        const target = (subsetPaths[path] ??= {}) as JsonObject;
        if (Array.isArray(pathItem.parameters)) target.parameters = pathItem.parameters;
        target[method] = operation;
        visit(pathItem.parameters);
        visit(operation);
        const security = Array.isArray(operation.security) ? operation.security : full.security;
        if (Array.isArray(security)) {
            for (const requirement of security) if (isObject(requirement)) Object.keys(requirement).forEach((s) => securitySchemes.add(s));
        }
    }

    // Keep the input's order of components so regenerated files diff cleanly.
    const subsetComponents: JsonObject = {};
    for (const [kind, entries] of Object.entries(components)) {
        if (!isObject(entries)) continue;
        const kept: JsonObject = {};
        for (const [name, value] of Object.entries(entries)) {
            const wanted =
                kind === 'securitySchemes'
                    ? securitySchemes.has(name)
                    : refs.has(`#/components/${kind}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`);
            if (wanted) kept[name] = value;
        }
        if (Object.keys(kept).length > 0) subsetComponents[kind] = kept;
    }
    for (const ref of refs) {
        if (!ref.startsWith('#/components/')) throw new Error(`Unsupported $ref outside components: ${ref}`);
    }

    const info = isObject(full.info) ? full.info : {};
    const operations = SUBSET_OPERATIONS.map(([method, path]) => `${method.toUpperCase()} ${path}`);
    const note =
        "Subset of Pinterest's official OpenAPI description (pinterest/api-description, MIT licence), " +
        `cut to the ${operations.length} operations the test emulator serves and the components they reference. ` +
        'Generated by test/emulator/openapi/extract-subset.ts; do not edit by hand.';
    return {
        openapi: full.openapi,
        info: {
            ...info,
            description: `${typeof info.description === 'string' ? `${info.description}\n\n` : ''}${note}`,
        },
        'x-subset': {
            note,
            sourceVersion: info.version,
            source: 'https://github.com/pinterest/api-description',
            operations,
        },
        servers: full.servers,
        paths: subsetPaths,
        components: subsetComponents,
    };
}

function main(): void {
    const input = process.argv[2] ? resolve(process.cwd(), process.argv[2]) : DEFAULT_SPEC_PATH;
    const full: unknown = JSON.parse(readFileSync(input, 'utf8'));
    if (!isObject(full)) throw new Error(`${input} is not a JSON object`);
    const subset = extractSubset(full);
    writeFileSync(SUBSET_PATH, `${JSON.stringify(subset, null, 2)}\n`);
    const counts = Object.entries(subset.components as JsonObject)
        .map(([kind, entries]) => `${Object.keys(entries as JsonObject).length} ${kind}`)
        .join(', ');
    process.stdout.write(`Wrote ${SUBSET_PATH} (${counts})\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
    main();
}
