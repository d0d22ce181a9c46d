import { subscribe } from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';
import process from 'node:process';

// Preloaded (`node --import`) into every process the benchmark measures, the Actor and the baselines alike:
// when the first HTTP request leaves and, at exit, the peak resident memory. Times are epoch milliseconds so
// the benchmark can subtract the moment it spawned the process.
const epochNow = () => performance.timeOrigin + performance.now();
let firstRequestAt;
let firstRequestCpuMs;
const onRequest = () => {
    if (firstRequestAt !== undefined) return;
    firstRequestAt = epochNow();
    // CPU time (user + system) spent until then: unlike wall time, barely moved by other processes' load.
    const cpu = process.cpuUsage();
    firstRequestCpuMs = Math.round((cpu.user + cpu.system) / 1000);
};
subscribe('http.client.request.start', onRequest);

process.on('exit', () => {
    const usage = { maxRssKb: process.resourceUsage().maxRSS, firstRequestAt, firstRequestCpuMs, exitAt: epochNow() };
    process.stderr.write(`\nBENCH_USAGE ${JSON.stringify(usage)}\n`);
});
