import { describeApiLocation } from './connect.js';
import { ActorError } from '../common/errors.js';
import type { CommonInput } from '../input/fields.js';
import type { Log } from '../common/log.js';
import { type ModeHandler, writesContent } from '../modes/types.js';
import type { PinterestClient } from '../pinterest/client.js';
import { PinterestError } from '../pinterest/errors.js';
import { OPERATIONS, scopesFor } from '../pinterest/operations.js';
import { looksLikeTrialQuota } from '../pinterest/rate-limit.js';

/** A problem found before any work was done: the run stops with this sentence and nothing is charged. */
export class PreflightError extends ActorError {
    override name = 'PreflightError';
}

export interface PreflightReport {
    username?: string;
    accountType?: string;
    /** True when the rate-limit quota has the daily window Pinterest gives Trial apps. */
    trialAccess: boolean;
}

export interface PreflightContext {
    input: CommonInput;
    mode: ModeHandler;
    client: PinterestClient;
    /** Granted scopes, when known (Pinterest reports them with every token refresh). */
    scopes: () => readonly string[] | undefined;
    log: Log;
}

/**
 * One cheap request (`GET /user_account`) that proves the token works and, as far as the API lets us know,
 * that it may do what the mode needs, so that a doomed run stops at once with what to fix.
 */
export async function preflight({ input, mode, client, scopes, log }: PreflightContext): Promise<PreflightReport> {
    let report: PreflightReport = { trialAccess: false };
    // A mode that works with the app alone has no account to check yet.
    if (mode.usesAccount === false) return report;
    try {
        const { account, rateLimit } = await client.getUserAccount();
        report = {
            username: account.username ?? undefined,
            accountType: account.account_type ?? undefined,
            trialAccess: looksLikeTrialQuota(rateLimit),
        };
        const type = report.accountType ? ` (${report.accountType.toLowerCase()} account)` : '';
        const where = describeApiLocation(input.environment);
        const trial = report.trialAccess ? ', app with Trial access' : '';
        const who = `@${report.username ?? 'unknown'}${type}`;
        log.info(
            input.adAccountId
                ? `Connected to Pinterest, acting on ${who} through ad account ${input.adAccountId} (Business Access) in ${where}${trial}.`
                : `Connected to Pinterest as ${who} in ${where}${trial}.`,
        );
    } catch (error) {
        // The check itself needs user_accounts:read, which the mode may not: a token without it can still do the job.
        if (!(error instanceof PinterestError && error.kind === 'missing-scope')) throw error;
        log.warning(
            `Preflight could not read the account: the token lacks ${OPERATIONS.getUserAccount.scopes.join(', ')}, which only this check needs. Set skipPreflight to true to save the request.`,
        );
    }

    // Known only after the token request above, which may have refreshed the token (token answers list scopes).
    const granted = scopes();
    const needed = scopesFor(mode.operations);
    const missing = granted ? needed.filter((scope) => !granted.includes(scope)) : [];
    if (missing.length > 0) {
        throw new PreflightError(
            `The Pinterest token lacks the scope${missing.length === 1 ? '' : 's'} ${missing.join(', ')}, which mode ${input.mode} needs: authorise your app again with ${needed.join(', ')} (npm run auth), then use the new tokens.`,
        );
    }

    if (writesContent(mode) && report.trialAccess && input.environment === 'production') {
        throw new PreflightError(
            'Your Pinterest app has Trial access, which cannot create pins in production: set environment to "sandbox" and use a sandbox token to test, or apply for Standard access at developers.pinterest.com.',
        );
    }
    return report;
}
