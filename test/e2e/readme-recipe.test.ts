import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, describe, expect, it } from 'vitest';

import { runActor } from './harness.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const recipe = readme.slice(readme.indexOf('### Worked example: the Actor against the emulator'));

let emulatorProcess: ChildProcess | undefined;
afterAll(() => {
    emulatorProcess?.kill('SIGTERM');
});

async function freePort(): Promise<number> {
    return new Promise((resolve) => {
        const server = createServer().listen(0, '127.0.0.1', () => {
            const { port } = server.address() as { port: number };
            server.close(() => resolve(port));
        });
    });
}

/** `npm run emulator -- --port N`, as package.json defines it, until it prints its access token. */
async function startEmulatorCli(port: number): Promise<{ token: string; output: string }> {
    const child = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), ['test/emulator/cli.ts', '--port', String(port)], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
    });
    emulatorProcess = child;
    let output = '';
    return new Promise((resolve, reject) => {
        child.stdout?.on('data', (chunk: Buffer) => {
            output += chunk.toString();
            const token = /Access token\s+(pina_\S+)/.exec(output)?.[1];
            if (token && output.includes('Press Ctrl-C')) resolve({ token, output });
        });
        child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.on('exit', (code) => reject(new Error(`the emulator exited (${code}) before it was ready:\n${output}`)));
    });
}

describe("the README's local recipe works when followed literally", () => {
    const emulatorCommand = /npm run emulator -- --port (\d+)/.exec(recipe);
    const inputLine = /echo '(.+)' > storage\/key_value_stores\/default\/INPUT\.json/.exec(recipe);
    const startLine = /PINTEREST_API_BASE_URL=(\S+) npm run start:prod/.exec(recipe);
    const outcome = /The run ends with the status message `([^`]+)`/.exec(recipe);

    it('uses one port for the emulator and the base URL, and valid input', () => {
        expect(emulatorCommand && inputLine && startLine && outcome).toBeTruthy();
        expect(new URL(String(startLine?.[1])).port).toBe(emulatorCommand?.[1]);
        expect(JSON.parse(String(inputLine?.[1]))).toMatchObject({ accessToken: 'PASTE_THE_ACCESS_TOKEN_HERE' });
    });

    it('goes from the emulator to INPUT.json to npm run start:prod to the dataset', async () => {
        // The README's port may be taken on a machine running other tests: only the port number is swapped.
        const port = await freePort();
        const { token, output } = await startEmulatorCli(port);
        expect(output).toContain(`Base URL       http://127.0.0.1:${port}/v5`);

        const input = JSON.parse(String(inputLine?.[1]).replace('PASTE_THE_ACCESS_TOKEN_HERE', token)) as Record<string, unknown>;
        const baseUrl = String(startLine?.[1]).replace(`:${emulatorCommand?.[1]}/`, `:${port}/`);
        const run = await runActor({ baseUrl, input });
        expect(run.exitCode).toBe(0);
        expect(run.statusMessage).toBe(outcome?.[1]);
        expect(run.items.length).toBeGreaterThan(0);
        expect(run.items.every((item) => item.type === 'board')).toBe(true);
        expect(run.record('OUTPUT')).toMatchObject({ status: 'succeeded', statusMessage: outcome?.[1] });
    });

    it('describes items truthfully: flat except the metrics of a pin', () => {
        expect(readme).not.toMatch(/Every item is a flat object/);
        expect(readme).toMatch(/except a pin's `metrics`/);
    });
});
