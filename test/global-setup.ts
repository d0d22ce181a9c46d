import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** End-to-end tests run the built Actor as a process: build it once, fresh, before any test file runs. */
export default function setup(): void {
    const root = fileURLToPath(new URL('..', import.meta.url));
    execFileSync(process.execPath, [fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url)), '-p', 'tsconfig.build.json'], {
        cwd: root,
        stdio: 'inherit',
    });
}
