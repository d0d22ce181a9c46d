import { randomUUID } from 'node:crypto';

import { Actor, log } from 'apify';

import { initActor } from './run/actor-init.js';
import { runClock } from './common/clock.js';
import { connect } from './run/connect.js';
import type { CredentialManager } from './credentials/manager.js';
import { ActorError } from './common/errors.js';
import { actorJournal } from './storage/journal.js';
import { MODE_HANDLERS, type ModeHandler, parseActorInput } from './modes/index.js';
import { createActorOutput } from './output/run-output.js';
import { PinterestError } from './pinterest/errors.js';
import { redactSecrets, registerSecret } from './pinterest/redact.js';
import { preflight } from './run/preflight.js';
import { actorStorage } from './storage/stores.js';

await initActor();
const output = createActorOutput();
const warnings: string[] = [];
let mode: string | undefined;
let credentials: CredentialManager | undefined;

try {
    const rawInput = await Actor.getInput<Record<string, unknown>>();
    for (const field of ['accessToken', 'refreshToken', 'appSecret']) {
        const value = rawInput?.[field];
        if (typeof value === 'string') registerSecret(value.trim());
    }
    const input = parseActorInput(rawInput, {
        warn: (message) => {
            // Said now, while the run is going on; the OUTPUT record keeps it too.
            log.warning(message);
            warnings.push(message);
        },
    });
    mode = input.mode;
    const handler: ModeHandler = MODE_HANDLERS[input.mode];

    const connection = await connect(input, log);
    credentials = connection.credentials;
    const { client } = connection;
    if (!input.skipPreflight) await preflight({ input, mode: handler, client, scopes: () => connection.credentials.scopes, log });

    // A run restarted after it had finished (a migration at the very end) has nothing left to do: say so again.
    const finished = await Actor.getValue<{ status?: string; summary?: string }>('OUTPUT');
    if (finished?.status === 'succeeded' && typeof finished.summary === 'string') await Actor.exit(finished.summary);

    const runId = await currentRunId();
    const context = { input, client, output, journal: actorJournal, storage: actorStorage, log, now: runClock(), runId };
    const result = await handler.run(context);
    // These go into the final status message, which the SDK logs: they are not logged separately.
    const closing = [credentials.expiryWarning(), await credentials.saveUnsaved()].filter((warning): warning is string => Boolean(warning));
    warnings.push(...(result.warnings ?? []), ...closing);
    const statusMessage = [result.summary, ...closing].join(' ');
    await output.saveRecord('OUTPUT', {
        mode: input.mode,
        status: 'succeeded',
        statusMessage,
        summary: result.summary,
        counts: result.counts ?? {},
        eventsCharged: output.chargedEvents(),
        hasMore: result.hasMore ?? false,
        warnings,
        ...result.details,
    });
    await Actor.exit(statusMessage);
} catch (error) {
    const unsaved = await credentials?.saveUnsaved().catch(() => undefined);
    if (unsaved) warnings.push(unsaved);
    // One sentence, printed once: Actor.fail logs it as the status message.
    const statusMessage = [failureMessage(error), unsaved].filter(Boolean).join(' ');
    await output
        .saveRecord('OUTPUT', {
            mode,
            status: 'failed',
            statusMessage,
            error: failureMessage(error),
            eventsCharged: output.chargedEvents(),
            warnings,
        })
        .catch(() => undefined);
    await Actor.fail(statusMessage);
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
