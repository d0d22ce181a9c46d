import { Actor, log } from 'apify';

import { connect } from './connect.js';
import { ActorError } from './errors.js';
import { parseInput } from './input.js';
import { actorJournal } from './journal.js';
import { MODE_LOADERS } from './modes/index.js';
import { actorOutput } from './output.js';
import { PinterestError } from './pinterest/errors.js';
import { redactSecrets, registerSecret } from './pinterest/redact.js';
import { preflight } from './preflight.js';

await Actor.init();

try {
    const rawInput = await Actor.getInput<Record<string, unknown>>();
    for (const field of ['accessToken', 'refreshToken', 'appSecret']) {
        const value = rawInput?.[field];
        if (typeof value === 'string') registerSecret(value.trim());
    }
    const input = parseInput(rawInput);
    const mode = await MODE_LOADERS[input.mode]();

    const { client, credentials } = await connect(input, log);
    if (!input.skipPreflight) await preflight({ input, mode, client, scopes: () => credentials.scopes, log });

    const result = await mode.run({ input, client, output: actorOutput, journal: actorJournal, log });
    const warning = credentials.expiryWarning();
    if (warning) log.warning(warning);
    await Actor.exit([result.summary, warning].filter(Boolean).join(' '));
} catch (error) {
    const message = failureMessage(error);
    log.error(message);
    await Actor.fail(message);
}

/** One sentence saying what is wrong and how to fix it. Only our own errors' messages are shown as they are. */
function failureMessage(error: unknown): string {
    if (error instanceof PinterestError || error instanceof ActorError) return error.message;
    const detail = error instanceof Error ? error.message : String(error);
    return `The run failed unexpectedly: ${redactSecrets(detail)}. Please report this.`;
}
