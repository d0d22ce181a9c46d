import childProcess from 'node:child_process';
import process from 'node:process';

// Preloaded (`node --import`) into the Actor by bundle.test.ts: at exit it reports the programs the run started.
const started = [];
for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync']) {
    const original = childProcess[name];
    childProcess[name] = function recorded(command, ...rest) {
        started.push(String(command));
        return original.call(this, command, ...rest);
    };
}

process.on('exit', () => {
    process.stderr.write(`\nSTART_UP_REPORT ${JSON.stringify({ started })}\n`);
});
