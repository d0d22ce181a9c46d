import { randomUUID } from 'node:crypto';

import { Actor, log } from 'apify';

import { runClock } from './clock.js';
import { connect } from './connect.js';
import { ActorError } from './errors.js';
import { actorJournal } from './journal.js';
import { MODE_HANDLERS, type ModeHandler, parseActorInput } from './modes/index.js';
import { createActorOutput } from './output.js';
import { PinterestError } from './pinterest/errors.js';
import { redactSecrets, registerSecret } from './pinterest/redact.js';
import { preflight } from './preflight.js';
import { actorStorage } from './storage/stores.js';

await Actor.init();
const output = createActorOutput();

try {
    const rawInput = await Actor.getInput<Record<string, unknown>>();
    for (const field of ['accessToken', 'refreshToken', 'appSecret']) {
        const value = rawInput?.[field];
        if (typeof value === 'string') registerSecret(value.trim());
    }
    const input = parseActorInput(rawInput);
    const mode: ModeHandler = MODE_HANDLERS[input.mode];

    const { client, credentials } = await connect(input, log);
    if (!input.skipPreflight) await preflight({ input, mode, client, scopes: () => credentials.scopes, log });

    // A run restarted after it had finished (a migration at the very end) has nothing left to do: say so again.
    const finished = await Actor.getValue<{ status?: string; summary?: string }>('OUTPUT');
    if (finished?.status === 'succeeded' && typeof finished.summary === 'string') await Actor.exit(finished.summary);

    const runId = await currentRunId();
    const context = { input, client, output, journal: actorJournal, storage: actorStorage, log, now: runClock(), runId };
    const result = await mode.run(context);
    const warning = credentials.expiryWarning();
    const warnings = [...(result.warnings ?? []), ...(warning ? [warning] : [])];
    if (warning) log.warning(warning);
    await output.saveRecord('OUTPUT', {
        mode: input.mode,
        status: 'succeeded',
        summary: result.summary,
        counts: result.counts ?? {},
        eventsCharged: output.chargedEvents(),
        hasMore: result.hasMore ?? false,
        warnings,
        ...result.details,
    });
    await Actor.exit([result.summary, warning].filter(Boolean).join(' '));
} catch (error) {
    const message = failureMessage(error);
    await output.saveRecord('OUTPUT', { status: 'failed', error: message, eventsCharged: output.chargedEvents() }).catch(() => undefined);
    await Actor.fail(message);
}

/**
 * The platform's run id; locally a made-up one, kept in the run's store so that a restarted local run (storage
 * not purged) is recognised as the same run, as a migrated platform run is.
 */
async function currentRunId(): Promise<string> {
    const platform = Actor.getEnv().actorRunId;
    if (platform) return platform;
    const saved = await Actor.getValue<string>('RUN-ID');
    if (typeof saved === 'string' && saved) return saved;
    const made = `local-${randomUUID()}`;
    await Actor.setValue('RUN-ID', made);
    return made;
}

/** One sentence saying what is wrong and how to fix it. Only our own errors' messages are shown as they are. */
function failureMessage(error: unknown): string {
    if (error instanceof PinterestError || error instanceof ActorError) return error.message;
    const detail = error instanceof Error ? error.message : String(error);
    return `The run failed unexpectedly: ${redactSecrets(detail)}. Please report this.`;
}
