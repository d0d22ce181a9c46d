import { subscribe } from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';
import process from 'node:process';

// Preloaded (`node --import`) into every process the benchmark measures, the Actor and the baselines alike:
// when the first HTTP request leaves (also per host: on the platform the Apify API is asked before Pinterest) and,
// at exit, the peak resident memory. Times are epoch milliseconds so the benchmark can subtract the moment it
// spawned the process.
const epochNow = () => performance.timeOrigin + performance.now();
let firstRequestAt;
let firstRequestCpuMs;
/** Host (with port) -> the same two figures for the first request to it. */
const firstRequestByHost = {};
const onRequest = ({ request }) => {
    const at = epochNow();
    // CPU time (user + system) spent until then: unlike wall time, barely moved by other processes' load.
    const cpu = process.cpuUsage();
    const cpuMs = Math.round((cpu.user + cpu.system) / 1000);
    firstRequestAt ??= at;
    firstRequestCpuMs ??= cpuMs;
    firstRequestByHost[String(request.getHeader('host'))] ??= { at, cpuMs };
};
subscribe('http.client.request.start', onRequest);

process.on('exit', () => {
    const usage = { maxRssKb: process.resourceUsage().maxRSS, firstRequestAt, firstRequestCpuMs, firstRequestByHost, exitAt: epochNow() };
    process.stderr.write(`\nBENCH_USAGE ${JSON.stringify(usage)}\n`);
});
