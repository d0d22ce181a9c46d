import { randomUUID } from 'node:crypto';

import { Actor } from 'apify';

import { ActorError } from '../common/errors.js';
import type { Log } from '../common/log.js';
import { PinterestError } from '../pinterest/errors.js';
import { redactSecrets } from '../pinterest/redact.js';

/**
 * The run's log as modes get it: Apify's logger, keeping every warning so that the OUTPUT record lists all of them
 * (CSV columns ignored, late pins, unknown schedule ids), said once each.
 */
export function recordingLog(base: Log): Log & { warnings: string[] } {
    const warnings: string[] = [];
    return {
        warnings,
        info: (message) => base.info(message),
        warning(message) {
            base.warning(message);
            if (!warnings.includes(message)) warnings.push(message);
        },
    };
}

/**
 * The platform's run id; locally a made-up one, kept in the run's store so that a restarted local run (storage
 * not purged) is recognised as the same run, as a migrated platform run is.
 */
export async function currentRunId(): Promise<string> {
    const platform = Actor.getEnv().actorRunId;
    if (platform) return platform;
    const saved = await Actor.getValue<string>('RUN-ID');
    if (typeof saved === 'string' && saved) return saved;
    const made = `local-${randomUUID()}`;
    await Actor.setValue('RUN-ID', made);
    return made;
}

/** One sentence saying what is wrong and how to fix it. Only our own errors' messages are shown as they are. */
export function failureMessage(error: unknown): string {
    if (error instanceof PinterestError || error instanceof ActorError) return error.message;
    const detail = error instanceof Error ? error.message : String(error);
    return `The run failed unexpectedly: ${redactSecrets(detail)}. Please report this.`;
}
