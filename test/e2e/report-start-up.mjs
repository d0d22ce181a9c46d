import childProcess from 'node:child_process';
import process from 'node:process';

// Preloaded (`node --import`) into the Actor by bundle.test.ts: at exit it reports the programs the run started
// and whether Node's http2 module was loaded. In the bundle only axios, the Apify API client's HTTP library, loads
// http2 (got's HTTP/2 support is left out), so that tells whether the API client was loaded.
const started = [];
for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync']) {
    const original = childProcess[name];
    childProcess[name] = function recorded(command, ...rest) {
        started.push(String(command));
        return original.call(this, command, ...rest);
    };
}

process.on('exit', () => {
    const report = { started, http2Loaded: process.moduleLoadList.includes('NativeModule http2') };
    process.stderr.write(`\nSTART_UP_REPORT ${JSON.stringify(report)}\n`);
});
