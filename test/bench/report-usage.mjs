import process from 'node:process';

// Preloaded into the Actor process by the benchmark: reports peak memory when the process exits.
process.on('exit', () => {
    process.stderr.write(`\nBENCH_USAGE ${JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS, uptimeMs: Math.round(process.uptime() * 1000) })}\n`);
});
