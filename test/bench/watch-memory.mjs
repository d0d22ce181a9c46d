import process from 'node:process';
import { setInterval } from 'node:timers';

// Preloaded (`node --import`) by `npm run bench:csv` with CSV_WATCH_MEMORY=1: the process's memory every 2 s, to tell
// a heap that grows (something keeps rows) from memory outside it (buffers, sockets) when the peak is too high.
const mib = (bytes) => Math.round(bytes / 1048576);
setInterval(() => {
    const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
    process.stderr.write(
        `BENCH_MEMORY rss ${mib(rss)} heapUsed ${mib(heapUsed)} heapTotal ${mib(heapTotal)} external ${mib(external)} arrayBuffers ${mib(arrayBuffers)}\n`,
    );
}, 2000).unref();
