/**
 * The Docker image ships only what runs: secrets and local storage never enter the build context, and the runtime
 * stage holds the bundle alone (no sources, no auth helper, no node_modules) started by node with the heap flags
 * the end-to-end tests and the benchmark use.
 */
import { readFileSync } from 'node:fs';

import { getActorSchemaValidator } from '@apify/json_schemas';
import { describe, expect, it } from 'vitest';

import { DEFAULT_MEMORY_MBYTES, imageNodeArgs } from '../e2e/harness.js';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');
const dockerfile = read('../../Dockerfile');
const dockerignore = read('../../.dockerignore');

/** Docker's .dockerignore rules: `*` and `?` stay within one path segment, `**` spans any, `!` re-includes, the last match wins, and excluding a folder excludes what is in it. */
function isIgnored(path: string): boolean {
    const rules = dockerignore
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line && !line.startsWith('#'));
    const toRegExp = (pattern: string) => {
        const source = pattern
            .replace(/^\/+|\/+$/g, '')
            .split(/(\*\*\/|\*\*|\*|\?)/)
            .map((part) => ({ '**/': '(?:.*/)?', '**': '.*', '*': '[^/]*', '?': '[^/]' })[part] ?? part.replace(/[.+^${}()|[\]\\]/g, '\\$&'))
            .join('');
        return new RegExp(`^${source}(?:/.*)?$`);
    };
    let ignored = false;
    for (const rule of rules) {
        const negated = rule.startsWith('!');
        if (toRegExp(negated ? rule.slice(1) : rule).test(path)) ignored = !negated;
    }
    return ignored;
}

/** The instructions of the last stage: what the image that runs is made of. */
const stages = dockerfile.split(/^FROM /m).slice(1);
const runtimeStage = stages.at(-1) ?? '';
const instructions = (stage: string) =>
    stage
        .replace(/\\\n/g, ' ')
        .split('\n')
        .filter((line) => /^[A-Z]+ /.test(line));

describe('.dockerignore', () => {
    it.each([
        '.npmrc',
        '.env',
        '.env.local',
        'config/.env.production',
        'server.pem',
        'certs/tls.key',
        'storage/key_value_stores/default/INPUT.json',
        'apify_storage/x',
    ])('keeps %s out of the build context', (path) => expect(isIgnored(path)).toBe(true));

    it.each(['node_modules/apify/package.json', 'dist/main.js', 'test/e2e/harness.ts', 'bench/results/list-boards-25.json'])(
        'keeps %s out too',
        (path) => {
            expect(isIgnored(path)).toBe(true);
        },
    );

    it.each(['package.json', 'package-lock.json', 'scripts/build.mjs', 'src/main.ts', 'tsconfig.json'])('lets the build stage have %s', (path) => {
        expect(isIgnored(path)).toBe(false);
    });
});

describe('Dockerfile', () => {
    it('builds the bundle in a build stage and runs it in a second one', () => {
        expect(stages).toHaveLength(2);
        expect(instructions(stages[0] ?? '')).toContain('RUN npm run build');
    });

    it('gives the runtime stage the bundle only: no sources, no auth helper, no installed packages', () => {
        const copies = instructions(runtimeStage).filter((line) => line.startsWith('COPY '));
        expect(copies).toEqual(['COPY --from=builder --chown=myuser:myuser /home/myuser/dist ./dist']);
        expect(runtimeStage).not.toMatch(/npm (ci|install)/);
        expect(runtimeStage).not.toMatch(/\bsrc\//);
    });

    it('starts node directly, with the heap flags the tests and the benchmark use', () => {
        const cmd = instructions(runtimeStage).filter((line) => line.startsWith('CMD '));
        expect(cmd).toHaveLength(1);
        const command = (cmd[0] ?? '').replace(/^CMD /, '');
        expect(command).not.toMatch(/\bnpm\b/);
        expect(command).toMatch(/^exec node /);
        for (const memory of [128, 256, 4096]) {
            const expanded = command
                .replace('${ACTOR_MEMORY_MBYTES:-1024}', String(memory))
                .replace(/\$\(\( (\d+) \/ (\d+) \)\)/g, (_, a: string, b: string) => String(Math.floor(Number(a) / Number(b))));
            expect(expanded).toBe(`exec node ${imageNodeArgs(memory).join(' ')} dist/main.js`);
        }
    });

    it('warms the compile cache under the same flags as the CMD, for the usual memory sizes', () => {
        const warmUp = instructions(runtimeStage).find((line) => line.startsWith('RUN for memory in'));
        expect(warmUp).toBeDefined();
        const sizes = /for memory in ([\d ]+);/
            .exec(warmUp ?? '')?.[1]
            ?.trim()
            .split(/\s+/)
            .map(Number);
        expect(sizes).toContain(128);
        const flags = /node (--max-semi-space-size=\S+ --max-old-space-size=\$\(\( memory \/ 2 \)\)[^|]*?) dist\/main\.js/.exec(warmUp ?? '')?.[1];
        expect(flags?.replace('$(( memory / 2 ))', '64')).toBe(imageNodeArgs(128).join(' '));
        expect(instructions(runtimeStage)).toContain('ENV NODE_COMPILE_CACHE=/home/myuser/.cache/node-compile-cache');
    });
});

describe('.actor/actor.json', () => {
    const actor = JSON.parse(read('../../.actor/actor.json')) as { description: string };

    it("is valid by Apify's own schema of actor.json (@apify/json_schemas)", () => {
        const validate = getActorSchemaValidator();
        expect(validate(actor), JSON.stringify(validate.errors)).toBe(true);
    });

    it('says on the Store card (and to an AI agent choosing a tool) what the Actor does today', () => {
        for (const capability of [
            /boards and pins/,
            /metrics/,
            /exactly once/,
            /CSV/,
            /bulk format/,
            /carousels/,
            /video/,
            /schedule/,
            /queue/,
            /analytics/,
            /report/,
            /your own token/,
            /API v5/,
        ]) {
            expect(actor.description).toMatch(capability);
        }
    });

    it('declares as default and minimum the memory the end-to-end tests and the benchmark run with', () => {
        const actor = JSON.parse(read('../../.actor/actor.json')) as { defaultMemoryMbytes: number; minMemoryMbytes: number };
        expect(actor.defaultMemoryMbytes).toBe(DEFAULT_MEMORY_MBYTES);
        expect(actor.minMemoryMbytes).toBe(DEFAULT_MEMORY_MBYTES);
    });
});
