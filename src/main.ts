import { Actor, log as apifyLog } from 'apify';

import type { CredentialManager } from './credentials/manager.js';
import { MODE_HANDLERS, type ModeHandler, parseActorInput } from './modes/index.js';
import { createActorOutput } from './output/run-output.js';
import { registerSecret } from './pinterest/redact.js';
import { accountSecrets } from './input/accounts.js';
import { runAccounts } from './run/accounts.js';
import { initActor } from './run/actor-init.js';
import { connect } from './run/connect.js';
import { currentRunId, failureMessage, recordingLog } from './run/outcome.js';
import { preflight } from './run/preflight.js';
import { runClock } from './common/clock.js';
import { actorJournal } from './storage/journal.js';
import { actorStorage } from './storage/stores.js';

/** A run's life: input -> connect -> preflight -> mode -> OUTPUT record and status (see ARCHITECTURE.md). */
await initActor();
const output = createActorOutput();
const log = recordingLog(apifyLog);
let mode: string | undefined;
let credentials: CredentialManager | undefined;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

try {
    const rawInput = await Actor.getInput<Record<string, unknown>>();
    for (const field of ['accessToken', 'refreshToken', 'appSecret', 'code', 'authorizationResponseUrl']) {
        const value = rawInput?.[field];
        if (typeof value === 'string') registerSecret(value.trim());
    }
    for (const value of accountSecrets(rawInput?.accounts)) registerSecret(value);
    const input = parseActorInput(rawInput, { warn: (message) => log.warning(message) });
    mode = input.mode;
    const handler: ModeHandler = MODE_HANDLERS[input.mode];

    if (input.accounts) {
        // Several accounts (or one, labelled): each connects, preflights and runs on its own (run/accounts.ts).
        const run = { input, handler, output, storage: actorStorage, log, runId: await currentRunId(), now: runClock(), sleep };
        const result = await runAccounts(run);
        await output.saveRecord('OUTPUT', { ...result.record, warnings: [...new Set([...log.warnings, ...(result.record.warnings as string[])])] });
        if (result.failed) await Actor.fail(result.statusMessage);
        else await Actor.exit(result.statusMessage);
    }

    const connection = await connect(input, log, handler);
    credentials = connection.credentials;
    const { client } = connection;
    if (!input.skipPreflight) await preflight({ input, mode: handler, client, scopes: () => connection.credentials.scopes, log });

    const runId = await currentRunId();
    const context = { input, client, output, journal: actorJournal, storage: actorStorage, log, now: runClock(), sleep, runId };
    const result = await handler.run(context);
    // These go into the final status message, which the SDK logs: they are not logged separately.
    const closing = [credentials.expiryWarning(), await credentials.saveUnsaved()].filter((warning): warning is string => Boolean(warning));
    const statusMessage = [result.summary, ...closing].join(' ');
    await output.saveRecord('OUTPUT', {
        mode: input.mode,
        status: 'succeeded',
        statusMessage,
        summary: result.summary,
        counts: result.counts ?? {},
        eventsCharged: output.chargedEvents(),
        hasMore: result.hasMore ?? false,
        warnings: [...new Set([...log.warnings, ...(result.warnings ?? []), ...closing])],
        ...result.details,
    });
    await Actor.exit(statusMessage);
} catch (error) {
    const unsaved = await credentials?.saveUnsaved().catch(() => undefined);
    // One sentence, printed once: Actor.fail logs it as the status message.
    const statusMessage = [failureMessage(error), unsaved].filter(Boolean).join(' ');
    await output
        .saveRecord('OUTPUT', {
            mode,
            status: 'failed',
            statusMessage,
            error: failureMessage(error),
            eventsCharged: output.chargedEvents(),
            warnings: [...new Set([...log.warnings, ...(unsaved ? [unsaved] : [])])],
        })
        .catch(() => undefined);
    await Actor.fail(statusMessage);
}
