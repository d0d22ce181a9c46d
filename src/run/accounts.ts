import { connect } from './connect.js';
import { failureMessage } from './outcome.js';
import { preflight } from './preflight.js';
import { ActorError } from '../common/errors.js';
import type { Log } from '../common/log.js';
import { mapInPool } from '../common/pool.js';
import { plural } from '../common/text.js';
import type { CredentialManager } from '../credentials/manager.js';
import { credentialRecordStore, labelledCredentialsKey } from '../credentials/store.js';
import { type AccountSpec, accountsOf } from '../input/accounts.js';
import type { CommonInput } from '../input/fields.js';
import { accountRecords, publishedPins } from '../modes/account-history.js';
import { SHARED_FIELDS } from '../modes/input.js';
import type { ModeHandler, ModeResult } from '../modes/types.js';
import { accountOutput, accountRecordKey, accountReportKey } from '../output/account-output.js';
import { AccountShares } from '../output/budget.js';
import type { AccountFailureItem } from '../output/items.js';
import type { RunOutput } from '../output/run-output.js';
import type { PinterestClient } from '../pinterest/client.js';
import { registerSecret } from '../pinterest/redact.js';
import type { RunStorage } from '../storage/contracts.js';
import { createRunJournal } from '../storage/journal.js';
import { DEFAULT_WRITE_POLICY } from '../storage/records.js';

/**
 * A run over the accounts of the `accounts` input: each account connects, preflights and runs the mode on its own,
 * with its own client (and so its own pacers and rate limits), credentials, journal, run-store records and share of
 * the budget. A failure fails that account's part only; the run fails when every part failed.
 */

/** Accounts served side by side: Pinterest's limits are per account, the run's memory and the API stand-in's are not. */
export const ACCOUNT_CONCURRENCY = 3;

export interface AccountOutcome {
    label: string;
    username?: string;
    status: 'succeeded' | 'failed';
    summary: string;
    counts: Record<string, number>;
    hasMore: boolean;
    error?: string;
    warnings: string[];
    eventsCharged: Record<string, number>;
    details: Record<string, unknown>;
}

export interface AccountsRun {
    input: CommonInput & Record<string, unknown>;
    handler: ModeHandler;
    output: RunOutput;
    storage: RunStorage;
    log: Log;
    runId: string;
    now: () => number;
    sleep: (ms: number) => Promise<void>;
}

/** The account's messages, named: `client-a: Connected to Pinterest as @alice …`. */
function accountLog(log: Log, label: string): Log & { warnings: string[] } {
    const warnings: string[] = [];
    return {
        warnings,
        info: (message) => log.info(`${label}: ${message}`),
        warning(message) {
            log.warning(`${label}: ${message}`);
            if (!warnings.includes(message)) warnings.push(message);
        },
    };
}

/** The account's own records in the run's store: its journal and progress records never meet another account's. */
function accountStorage(storage: RunStorage, label: string): RunStorage {
    return {
        openNamedStore: async (name) => storage.openNamedStore(name),
        async openRunStore() {
            const store = await storage.openRunStore();
            return {
                getValue: async (key) => store.getValue(accountRecordKey(key, label)),
                setValue: async (key, value) => store.setValue(accountRecordKey(key, label), value),
            };
        },
    };
}

/** The account's input: the run's, with the account's credentials in the single-account fields. */
function inputFor(input: AccountsRun['input'], account: AccountSpec, stored?: { accessToken: string; refreshToken: string }) {
    return {
        ...input,
        accounts: undefined,
        accessToken: stored?.accessToken ?? account.accessToken,
        refreshToken: stored?.refreshToken ?? account.refreshToken,
        appId: account.appId,
        appSecret: account.appSecret,
        environment: account.environment,
        adAccountId: account.adAccountId,
    };
}

/** An account given by label only: the pair connect-account saved, or the one sentence that says to connect it. */
async function storedPair(run: AccountsRun, account: AccountSpec): Promise<{ accessToken: string; refreshToken: string; key: string }> {
    const key = labelledCredentialsKey(account.environment, account.appId ?? '', account.label);
    const store = credentialRecordStore(await run.storage.openNamedStore(run.input.credentialsStoreName), run.input.credentialsStoreName, key);
    const record = await store.read();
    if (!record) {
        throw new ActorError(
            `Account ${account.label} has no saved Pinterest tokens in key-value store "${run.input.credentialsStoreName}" (record ${key}): connect it first with the connect-account mode.`,
        );
    }
    registerSecret(record.accessToken);
    registerSecret(record.refreshToken);
    return { accessToken: record.accessToken, refreshToken: record.refreshToken, key };
}

interface Part {
    outcome: AccountOutcome;
    client?: PinterestClient;
    overview?: ModeResult['overview'];
}

/** One account's part of the run; never throws: a failure is the part's outcome. */
async function runPart(run: AccountsRun, account: AccountSpec, index: number, labels: string[], shares: AccountShares): Promise<Part> {
    const log = accountLog(run.log, account.label);
    const output = accountOutput(run.output, account.label, index, shares);
    let credentials: CredentialManager | undefined;
    let username: string | undefined;
    const ended = (outcome: Omit<AccountOutcome, 'label' | 'username' | 'warnings' | 'eventsCharged'>, extra: string[] = []) => ({
        label: account.label,
        ...(username ? { username } : {}),
        ...outcome,
        warnings: [...new Set([...log.warnings, ...extra])],
        eventsCharged: output.chargedEvents(),
    });
    try {
        const stored = account.fromStore ? await storedPair(run, account) : undefined;
        const input = inputFor(run.input, account, stored);
        const connection = await connect(input, log, stored ? { credentialsKey: stored.key } : {});
        credentials = connection.credentials;
        const { client } = connection;
        if (!input.skipPreflight) {
            const report = await preflight({ input, mode: run.handler, client, scopes: () => connection.credentials.scopes, log });
            username = report.username;
        }
        const journal = createRunJournal(await run.storage.openRunStore(), DEFAULT_WRITE_POLICY, accountRecordKey('RUN-PROGRESS', account.label));
        const result = await run.handler.run({
            input,
            client,
            output,
            journal,
            storage: accountStorage(run.storage, account.label),
            log,
            now: run.now,
            sleep: run.sleep,
            runId: run.runId,
            account: { label: account.label, labels, first: index === 0 },
        });
        const closing = [credentials.expiryWarning(), await credentials.saveUnsaved()].filter((warning): warning is string => Boolean(warning));
        const outcome = ended(
            {
                status: 'succeeded',
                summary: [result.summary, ...closing].join(' ').replace(/Report: report\.html\./, `Report: ${accountReportKey(account.label)}.`),
                counts: result.counts ?? {},
                hasMore: result.hasMore ?? false,
                details: relabelReport(result.details ?? {}, account.label),
            },
            [...(result.warnings ?? []), ...closing],
        );
        return { outcome, client, overview: result.overview };
    } catch (error) {
        const unsaved = await credentials?.saveUnsaved().catch(() => undefined);
        const message = failureMessage(error);
        log.warning(`failed: ${message}`);
        // The part's reason as a row of its own: free, and found in the dataset next to the other accounts' rows.
        await run.output
            .pushRows([
                {
                    type: 'accountFailure',
                    account: account.label,
                    ownerUsername: username ?? null,
                    mode: run.input.mode,
                    reason: message,
                } satisfies AccountFailureItem,
            ])
            .catch(() => undefined);
        return {
            outcome: ended({ status: 'failed', summary: message, counts: {}, hasMore: false, error: message, details: {} }, unsaved ? [unsaved] : []),
        };
    } finally {
        shares.finish(index);
    }
}

/** The mode's details name the report `report.html`; an account's part saved its own under its label. */
function relabelReport(details: Record<string, unknown>, label: string): Record<string, unknown> {
    return details.report === 'report.html' ? { ...details, report: accountReportKey(label) } : details;
}

const named = (outcome: AccountOutcome) => (outcome.username ? `${outcome.label} (@${outcome.username})` : outcome.label);

export interface AccountsResult {
    /** The OUTPUT record. */
    record: Record<string, unknown>;
    statusMessage: string;
    /** Every account failed: the run fails. */
    failed: boolean;
}

/** Every account's part, then the OUTPUT record (with `accounts`) and, for analytics, the overview report. */
export async function runAccounts(run: AccountsRun): Promise<AccountsResult> {
    const accounts = accountsOf(run.input);
    if (accounts.length > 1 && run.handler.oneAccount) {
        throw new ActorError(`Mode ${run.input.mode} acts on pins of one account: list one account in accounts, not ${accounts.length}.`);
    }
    const labels = accounts.map((account) => account.label);
    const shares = new AccountShares(accounts.length, (event) => run.output.budgetFor(event));
    const parts = await mapInPool(accounts, ACCOUNT_CONCURRENCY, async (account, index) => runPart(run, account, index, labels, shares));
    const outcomes = parts.map((part) => part.outcome);

    const warnings: string[] = [];
    let overviewSaved = false;
    // Modes with a report give each account's part an overview line: those runs get report.html linking them.
    if (accounts.length > 1 && parts.some((part) => part.overview)) {
        const saved = await saveOverview(run, accounts, parts);
        overviewSaved = saved.saved;
        if (saved.warning) warnings.push(saved.warning);
    }

    const failed = outcomes.filter((outcome) => outcome.status === 'failed');
    const succeeded = outcomes.length - failed.length;
    const counts: Record<string, number> = {};
    for (const outcome of outcomes) for (const [name, value] of Object.entries(outcome.counts)) counts[name] = (counts[name] ?? 0) + value;
    const head =
        failed.length === 0
            ? `Served ${plural(outcomes.length, 'account')}.`
            : `Served ${succeeded} of ${plural(outcomes.length, 'account')}; failed: ${failed.map((outcome) => `${named(outcome)} (${outcome.error?.replace(/\.$/, '')})`).join('; ')}.`;
    const parts_ = outcomes.filter((outcome) => outcome.status === 'succeeded').map((outcome) => `${named(outcome)}: ${outcome.summary}`);
    const statusMessage = [head, ...parts_, ...(overviewSaved ? ['Overview: report.html.'] : [])].join(' ');
    const allFailed = succeeded === 0;
    return {
        failed: allFailed,
        statusMessage,
        record: {
            mode: run.input.mode,
            status: allFailed ? 'failed' : 'succeeded',
            statusMessage,
            summary: head,
            counts: { ...counts, accountsSucceeded: succeeded, accountsFailed: failed.length },
            eventsCharged: run.output.chargedEvents(),
            hasMore: outcomes.some((outcome) => outcome.hasMore),
            warnings: [
                ...new Set([...outcomes.flatMap((outcome) => outcome.warnings.map((warning) => `${outcome.label}: ${warning}`)), ...warnings]),
            ],
            ...(allFailed ? { error: head } : {}),
            ...(overviewSaved ? { report: 'report.html' } : {}),
            accounts: outcomes.map(({ warnings: _warnings, ...outcome }) => outcome),
        },
    };
}

/** report.html: one row per account, linked to its report. A report that cannot be built is a warning. */
async function saveOverview(run: AccountsRun, accounts: AccountSpec[], parts: Part[]): Promise<{ saved: boolean; warning?: string }> {
    try {
        const { buildOverviewReport } = await import('../analytics/report/overview.js');
        const rows = await Promise.all(
            parts.map(async (part, index) => {
                const account = accounts[index]!;
                const overview = part.overview;
                const published = part.client && overview ? await publishedInRange(run, part.client, account, overview) : undefined;
                return {
                    label: account.label,
                    name: overview?.account ?? (part.outcome.username ? `@${part.outcome.username}` : undefined),
                    status: part.outcome.status,
                    error: part.outcome.error,
                    startDate: overview?.startDate,
                    endDate: overview?.endDate,
                    totals: overview?.totals,
                    previousTotals: overview?.previousTotals,
                    comparedTotals: overview?.comparedTotals,
                    published,
                    reportKey: overview?.report ? accountReportKey(account.label) : undefined,
                };
            }),
        );
        const title = typeof run.input.reportTitle === 'string' && run.input.reportTitle ? run.input.reportTitle : 'Pinterest accounts overview';
        const html = buildOverviewReport({ title, generatedAt: new Date(run.now()).toISOString(), accounts: rows });
        await run.output.saveRecord('report.html', html, 'text/html; charset=utf-8');
        return { saved: true };
    } catch (error) {
        const warning = `The overview report could not be built (${failureMessage(error).replace(/\.$/, '')}); each account's report and the dataset are complete.`;
        run.log.warning(warning);
        return { saved: false, warning };
    }
}

/** Pins this Actor published for the account within the range (UTC days), from the ledger's index: one listing. */
async function publishedInRange(
    run: AccountsRun,
    client: PinterestClient,
    account: AccountSpec,
    overview: NonNullable<ModeResult['overview']>,
): Promise<number | undefined> {
    try {
        const records = await accountRecords(client, account.environment);
        const ledgerStoreName = SHARED_FIELDS.ledgerStoreName.parse(run.input.ledgerStoreName) as string;
        const since = Date.parse(`${overview.startDate}T00:00:00Z`);
        const until = Date.parse(`${overview.endDate}T23:59:59.999Z`);
        return (await publishedPins(run.storage, ledgerStoreName, records.key, { since, until })).pins.length;
    } catch {
        return undefined;
    }
}
