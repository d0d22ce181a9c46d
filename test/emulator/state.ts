/**
 * In-memory state of the emulated Pinterest account world: apps, users, tokens, boards and pins.
 *
 * Public methods (seeding and inspecting) take and return plain objects; pins and boards come back exactly in the
 * API's shape. Methods marked "server" are used by the HTTP layer and are not meant for tests.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';

import { accountCountersOn, dayOf } from './numbers.js';
import { isObject, loadSpec } from './spec.js';

export type Environment = 'production' | 'sandbox';
export type BoardPrivacy = 'PUBLIC' | 'PROTECTED' | 'SECRET';
export type AccountType = 'PINNER' | 'BUSINESS';
export type ImageSizeKey = '150x150' | '400x300' | '600x' | '1200x';

export interface ApiImageDetails {
    width: number | null;
    height: number | null;
    url: string;
}
export type ApiImageSizes = Record<ImageSizeKey, ApiImageDetails>;
export interface ApiImageMetadata {
    item_type: 'image';
    title: string | null;
    description: string | null;
    link: string | null;
    images: ApiImageSizes;
}
/** A video Pin's media (`PinMediaWithVideo`): size and duration stay null, as right after creation on Pinterest. */
export interface ApiVideoMedia {
    media_type: 'video';
    cover_image_url: string;
    duration: number | null;
    height: number | null;
    width: number | null;
    images: ApiImageSizes;
    video_url: string | null;
}
export type ApiPinMedia =
    { media_type: 'image'; images: ApiImageSizes } | { media_type: 'multiple_images'; items: ApiImageMetadata[] } | ApiVideoMedia;

export interface ApiBoardSection {
    id: string;
    name: string;
}

export type MediaStatus = 'registered' | 'processing' | 'succeeded' | 'failed';

/** `GET /media/{media_id}` shape. */
export interface ApiMedia {
    media_id: string;
    media_type: 'video';
    status: MediaStatus;
}

/** What the upload endpoint received for a media upload. */
export interface MediaUploadReceipt {
    /** Size of the `file` part. */
    bytes: number;
    /** SHA-256 (hex) of the `file` part. */
    sha256: string;
    filename: string;
    /** The `file` part's own Content-Type. */
    contentType: string;
    /** Whether the upload request carried an `Authorization` header (it should not: the upload URL is presigned). */
    authorizationHeader: boolean;
    /** Emulator clock, epoch ms. */
    receivedAt: number;
}

/** A media upload as tests see it. */
export interface MediaInfo extends ApiMedia {
    ownerId: string;
    /** The form fields the upload must carry, exactly. */
    uploadParameters: Record<string, string>;
    /** The last successful upload, or null while nothing was uploaded. */
    upload: MediaUploadReceipt | null;
    /** `GET /media/{media_id}` answers served since the upload. */
    pollsSinceUpload: number;
}

/** Newly created pins stay out of list answers for a while (Pinterest's listing lag). */
export interface ListingLag {
    /** A new pin is left out of the next N list requests that would have shown it (default 0). */
    lists?: number;
    /** A new pin is left out of lists for this many ms of the emulator clock (default 0). */
    ms?: number;
}

/** Shape of `pin_metrics` when `pin_metrics=true` (keys as in the spec's example). */
export interface PinMetrics {
    '90d': { pin_click: number; impression: number; clickthrough: number };
    lifetime_metrics: { pin_click: number; impression: number; clickthrough: number; reaction: number; comment: number };
}

export interface ApiPin {
    id: string;
    created_at: string;
    link: string | null;
    title: string | null;
    description: string | null;
    alt_text: string | null;
    board_id: string;
    board_section_id: string | null;
    board_owner: { username: string };
    media: ApiPinMedia;
    dominant_color: string | null;
    is_owner: boolean;
    is_standard: boolean;
    has_been_promoted: boolean;
    creative_type: string | null;
    parent_pin_id: string | null;
    pin_metrics?: PinMetrics;
}

export interface ApiBoard {
    id: string;
    created_at: string;
    board_pins_modified_at: string;
    name: string;
    description: string | null;
    collaborator_count: number;
    pin_count: number;
    follower_count: number;
    media: { image_cover_url: string | null; pin_thumbnail_urls: string[] };
    owner: { username: string };
    privacy: BoardPrivacy;
}

export interface ApiAccount {
    account_type: AccountType;
    id: string;
    username: string;
    about: string;
    business_name: string | null;
    profile_image: string;
    website_url: string;
    board_count: number;
    pin_count: number;
    follower_count: number;
    following_count: number;
    monthly_views: number;
}

export interface EmulatorApp {
    appId: string;
    appSecret: string;
    trial: boolean;
    /** The redirect URIs registered in the app; the consent page refuses any other (undefined: any is accepted). */
    redirectUris?: string[];
}

/**
 * What a Business Access member may be given on an ad account (the spec's `Permissions`, without the consumer
 * user). Which of them reach the owner's pins, boards and analytics is {@link BUSINESS_ACCESS_RULES}.
 */
export type BusinessPermission =
    | 'ADMIN'
    | 'ANALYST'
    | 'FINANCE_MANAGER'
    | 'FINANCE_EDIT'
    | 'FINANCE_VIEW'
    | 'AUDIENCE_MANAGER'
    | 'CAMPAIGN_MANAGER'
    | 'CATALOGS_MANAGER'
    | 'CATALOGS_VIEWER'
    | 'PROFILE_PUBLISHER';

/** What an operation does to the account it acts on, for Business Access. */
export type BusinessAccessNeed = 'read' | 'analytics' | 'write';

/**
 * Which permissions allow what on the owner's account, after Pinterest's Business Manager table: Admin does
 * everything; Campaign managers create and edit (pins are ad creatives) and see reporting; Analysts only view,
 * analytics included; Audience, Finance and Catalogs roles see no reporting. The profile publisher (a permission on
 * the business profile) publishes and reads. The owner, who has no permission entry, may do everything.
 */
export const BUSINESS_ACCESS_RULES: Record<BusinessAccessNeed, readonly BusinessPermission[]> = {
    read: ['ADMIN', 'CAMPAIGN_MANAGER', 'ANALYST', 'PROFILE_PUBLISHER'],
    analytics: ['ADMIN', 'CAMPAIGN_MANAGER', 'ANALYST'],
    write: ['ADMIN', 'CAMPAIGN_MANAGER', 'PROFILE_PUBLISHER'],
};

export interface EmulatorAdAccount {
    id: string;
    name: string;
    ownerId: string;
    /** Business Access: member user id → permissions. */
    members: Record<string, BusinessPermission[]>;
}

export interface EmulatorUser {
    id: string;
    username: string;
    accountType: AccountType;
    about: string;
    businessName: string | null;
    profileImage: string;
    websiteUrl: string;
    /** The counts on the day the user was created; `GET /user_account` answers them grown by the day (numbers.ts). */
    followerCount: number;
    followingCount: number;
    monthlyViews: number;
    /** Epoch ms (emulator clock). */
    createdAt: number;
}

export interface IssuedTokens {
    accessToken: string;
    refreshToken: string;
    /** Epoch milliseconds (emulator clock). */
    accessTokenExpiresAt: number;
    /** Epoch milliseconds (emulator clock). */
    refreshTokenExpiresAt: number;
}

export interface IssueTokensOptions {
    userId: string;
    appId: string;
    scopes: string[];
    environment?: Environment;
    /** Default 2,592,000 (30 days). */
    accessTokenTtlSec?: number;
    /** Default 5,184,000 (60 days). */
    refreshTokenTtlSec?: number;
}

export interface PinSeed {
    title?: string | null;
    description?: string | null;
    link?: string | null;
    alt_text?: string | null;
    dominant_color?: string | null;
    creative_type?: string | null;
    has_been_promoted?: boolean;
    is_standard?: boolean;
    parent_pin_id?: string | null;
    /** ISO string, Date or epoch ms. Default: seeded pins are one second apart, the last one created "now". */
    created_at?: string | number | Date;
    /** Source image the pin was made from (only used to derive the i.pinimg.com URLs). */
    image_url?: string;
    pin_metrics?: PinMetrics;
}

export interface AccessTokenRecord {
    token: string;
    userId: string;
    appId: string;
    scopes: string[];
    environment: Environment;
    expiresAt: number;
}

interface RefreshTokenRecord {
    token: string;
    userId: string;
    appId: string;
    scopes: string[];
    environment: Environment;
    expiresAt: number;
    status: 'active' | 'rotated' | 'revoked';
    accessTtlSec: number;
    refreshTtlSec: number;
}

interface AuthCodeRecord {
    code: string;
    appId: string;
    userId: string;
    scopes: string[];
    redirectUri: string;
    environment: Environment;
    expiresAt: number;
    used: boolean;
}

export interface PinRecord {
    seq: number;
    id: string;
    boardId: string;
    ownerId: string;
    createdAt: number;
    title: string | null;
    description: string | null;
    link: string | null;
    altText: string | null;
    dominantColor: string | null;
    boardSectionId: string | null;
    parentPinId: string | null;
    isStandard: boolean;
    hasBeenPromoted: boolean;
    creativeType: string | null;
    media: ApiPinMedia;
    metrics: PinMetrics;
    /** True for pins created through `POST /pins` (false for seeded ones). */
    createdViaApi?: boolean;
    /** Set while the pin is kept out of list answers (see {@link ListingLag}). */
    lag?: { lists: number; untilMs: number };
}

export interface SectionRecord {
    seq: number;
    id: string;
    boardId: string;
    name: string;
}

export interface MediaRecord {
    seq: number;
    id: string;
    ownerId: string;
    mediaType: 'video';
    uploadParameters: Record<string, string>;
    /** Epoch ms after which the upload policy has expired. */
    uploadExpiresAt: number;
    upload: MediaUploadReceipt | null;
    polls: number;
    /** Processing ends in `failed` (set by a test) even for a non-empty file. */
    forceFail: boolean;
}

export interface BoardRecord {
    seq: number;
    id: string;
    ownerId: string;
    name: string;
    description: string | null;
    privacy: BoardPrivacy;
    createdAt: number;
    pinsModifiedAt: number;
    followerCount: number;
    collaboratorCount: number;
    /** Ascending creation order. */
    pins: PinRecord[];
    /** Ascending creation order. */
    sections: SectionRecord[];
}

interface UserRecord extends EmulatorUser {
    boards: BoardRecord[];
    pins: PinRecord[];
}

export type TokenExchangeResult =
    { ok: true; tokens: IssuedTokens; scopes: string[]; accessTtlSec: number; refreshTtlSec: number } | { ok: false; reason: string };

export const DEFAULT_ACCESS_TOKEN_TTL_SEC = 2_592_000;
export const DEFAULT_REFRESH_TOKEN_TTL_SEC = 5_184_000;
const AUTHORIZATION_CODE_TTL_MS = 10 * 60 * 1000;
/** How long an upload URL's policy stays valid (Pinterest's presigned S3 POSTs are short-lived). */
const MEDIA_UPLOAD_TTL_MS = 60 * 60 * 1000;
export const DEFAULT_MEDIA_PROCESSING_POLLS = 2;

/** Formats a timestamp the way Pinterest does in `created_at`: ISO 8601 in UTC, seconds precision, no zone suffix. */
export function formatPinterestTime(ms: number): string {
    return new Date(ms).toISOString().slice(0, 19);
}

function md5(text: string): string {
    return createHash('md5').update(text).digest('hex');
}

function randomToken(prefix: string): string {
    return `${prefix}${randomBytes(72)
        .toString('base64')
        .replace(/[^A-Za-z0-9]/g, '')
        .slice(0, 88)}`;
}

/** i.pinimg.com style URLs for one image, derived from a seed (deterministic). */
export function pinImages(seed: string, aspect = 1.5): ApiImageSizes {
    const hash = md5(seed);
    const url = (size: string) => `https://i.pinimg.com/${size}/${hash.slice(0, 2)}/${hash.slice(2, 4)}/${hash.slice(4, 6)}/${hash}.jpg`;
    return {
        '150x150': { width: 150, height: 150, url: url('150x150') },
        '400x300': { width: 400, height: 300, url: url('400x300') },
        '600x': { width: 600, height: Math.round(600 * aspect), url: url('600x') },
        '1200x': { width: 1200, height: Math.round(1200 * aspect), url: url('1200x') },
    };
}

function seededMetrics(seq: number): PinMetrics {
    const impression = 150 + ((seq * 7919) % 4850);
    const pinClick = Math.floor((impression * ((seq % 7) + 1)) / 100);
    const clickthrough = Math.floor(pinClick / 3);
    return {
        '90d': { pin_click: pinClick, impression, clickthrough },
        lifetime_metrics: {
            pin_click: pinClick + (seq % 11),
            impression: impression + ((seq * 31) % 900),
            clickthrough: clickthrough + (seq % 5),
            reaction: seq % 13,
            comment: seq % 4,
        },
    };
}

export function zeroMetrics(): PinMetrics {
    return {
        '90d': { pin_click: 0, impression: 0, clickthrough: 0 },
        lifetime_metrics: { pin_click: 0, impression: 0, clickthrough: 0, reaction: 0, comment: 0 },
    };
}

function toMs(value: string | number | Date): number {
    if (typeof value === 'number') return value;
    if (value instanceof Date) return value.getTime();
    const ms = Date.parse(/[zZ]|[+-]\d{2}:\d{2}$/.test(value) ? value : `${value}Z`);
    if (Number.isNaN(ms)) throw new Error(`Invalid created_at ${value}`);
    return ms;
}

let knownScopesCache: Set<string> | undefined;
/** Every OAuth scope the spec declares. */
export function knownScopes(): Set<string> {
    if (knownScopesCache) return knownScopesCache;
    const schemes = (loadSpec().document.components as Record<string, unknown>).securitySchemes;
    const oauth = isObject(schemes) ? schemes.pinterest_oauth2 : undefined;
    const flows = isObject(oauth) && isObject(oauth.flows) ? oauth.flows : {};
    const code = isObject(flows.authorizationCode) ? flows.authorizationCode : {};
    knownScopesCache = new Set(Object.keys(isObject(code.scopes) ? code.scopes : {}));
    return knownScopesCache;
}

export class EmulatorState {
    private seq = 0;
    private readonly apps = new Map<string, EmulatorApp>();
    private readonly users = new Map<string, UserRecord>();
    private readonly boards = new Map<string, BoardRecord>();
    private readonly pins = new Map<string, PinRecord>();
    private readonly accessTokens = new Map<string, AccessTokenRecord>();
    private readonly refreshTokens = new Map<string, RefreshTokenRecord>();
    private readonly authCodes = new Map<string, AuthCodeRecord>();
    private readonly adAccounts = new Map<string, EmulatorAdAccount>();
    private readonly sections = new Map<string, SectionRecord>();
    private readonly media = new Map<string, MediaRecord>();
    private readonly uploadSigningKey = randomBytes(32);
    private listingLag: Required<ListingLag> = { lists: 0, ms: 0 };
    private failNextMediaCount = 0;
    /** `GET /media/{media_id}` answers that say `processing` after an upload, before the final status. */
    mediaProcessingPolls = DEFAULT_MEDIA_PROCESSING_POLLS;
    /**
     * Apps without access to the `PATCH /pins/{pin_id}` beta ("not available to all apps"): their tokens get 401
     * code 3, Pinterest's answer for a restricted feature. Add an app id to switch it off for that app.
     */
    readonly pinUpdateDeniedApps = new Set<string>();

    constructor(readonly now: () => number = Date.now) {}

    private nextSeq(): number {
        this.seq += 1;
        return this.seq;
    }

    /** 18-digit ids: a 3-digit kind prefix and a zero-padded counter, so they are deterministic per emulator. */
    private makeId(prefix: string, seq: number): string {
        return `${prefix}${String(seq).padStart(15, '0')}`;
    }

    // ---------------------------------------------------------------- apps, users, tokens

    createApp(options: { appId?: string; appSecret?: string; trial?: boolean; redirectUris?: string[] } = {}): EmulatorApp {
        const appId = options.appId ?? String(1_500_000 + this.nextSeq());
        if (this.apps.has(appId)) throw new Error(`App ${appId} already exists`);
        const app: EmulatorApp = {
            appId,
            appSecret: options.appSecret ?? randomBytes(20).toString('hex'),
            trial: options.trial ?? false,
            ...(options.redirectUris ? { redirectUris: [...options.redirectUris] } : {}),
        };
        this.apps.set(appId, app);
        return { ...app };
    }

    getApp(appId: string): EmulatorApp | undefined {
        const app = this.apps.get(appId);
        return app ? { ...app, ...(app.redirectUris ? { redirectUris: [...app.redirectUris] } : {}) } : undefined;
    }

    /** The user with this username, or undefined. */
    findUserByUsername(username: string): EmulatorUser | undefined {
        const user = [...this.users.values()].find((u) => u.username === username);
        return user ? this.publicUser(user) : undefined;
    }

    // ---------------------------------------------------------------- Business Access

    /** An ad account owned by `ownerId`; its id is what `ad_account_id` names. */
    createAdAccount(ownerId: string, options: { name?: string } = {}): EmulatorAdAccount {
        const owner = this.users.get(ownerId);
        if (!owner) throw new Error(`Unknown user ${ownerId}`);
        const seq = this.nextSeq();
        const account: EmulatorAdAccount = { id: this.makeId('549', seq), name: options.name ?? `${owner.username} ads`, ownerId, members: {} };
        this.adAccounts.set(account.id, account);
        return structuredClone(account);
    }

    /** Gives `memberId` these permissions on the ad account (replacing what they had); an empty list takes access away. */
    grantBusinessAccess(adAccountId: string, memberId: string, permissions: BusinessPermission[]): void {
        const account = this.adAccounts.get(adAccountId);
        if (!account) throw new Error(`Unknown ad account ${adAccountId}`);
        if (!this.users.has(memberId)) throw new Error(`Unknown user ${memberId}`);
        if (permissions.length === 0) delete account.members[memberId];
        else account.members[memberId] = [...new Set(permissions)];
    }

    getAdAccount(adAccountId: string): EmulatorAdAccount | undefined {
        const account = this.adAccounts.get(adAccountId);
        return account ? structuredClone(account) : undefined;
    }

    /**
     * server: whose account a request with `ad_account_id` acts on. `denied` when the ad account is unknown, the
     * user is neither its owner nor a member, or the member's permissions do not cover `need`.
     */
    businessAccess(userId: string, adAccountId: string, need: BusinessAccessNeed): { ok: true; ownerId: string } | { ok: false } {
        const account = this.adAccounts.get(adAccountId);
        if (!account) return { ok: false };
        if (account.ownerId === userId) return { ok: true, ownerId: userId };
        const permissions = account.members[userId] ?? [];
        const allowed = permissions.some((permission) => BUSINESS_ACCESS_RULES[need].includes(permission));
        return allowed ? { ok: true, ownerId: account.ownerId } : { ok: false };
    }

    createUser(options: {
        username: string;
        accountType?: AccountType;
        about?: string;
        businessName?: string | null;
        websiteUrl?: string;
        followerCount?: number;
        followingCount?: number;
        monthlyViews?: number;
    }): EmulatorUser {
        if (!/^[A-Za-z0-9_]{3,30}$/.test(options.username)) throw new Error(`Invalid Pinterest username ${options.username}`);
        if ([...this.users.values()].some((u) => u.username === options.username)) throw new Error(`Username ${options.username} taken`);
        const seq = this.nextSeq();
        const accountType = options.accountType ?? 'BUSINESS';
        const hash = md5(`user:${options.username}`);
        const user: UserRecord = {
            id: this.makeId('702', seq),
            username: options.username,
            accountType,
            about: options.about ?? '',
            businessName: options.businessName ?? (accountType === 'BUSINESS' ? options.username : null),
            profileImage: `https://i.pinimg.com/600x600_R/${hash.slice(0, 2)}/${hash.slice(2, 4)}/${hash.slice(4, 6)}/${hash}.jpg`,
            websiteUrl: options.websiteUrl ?? '',
            followerCount: options.followerCount ?? 0,
            followingCount: options.followingCount ?? 0,
            monthlyViews: options.monthlyViews ?? 0,
            createdAt: this.now(),
            boards: [],
            pins: [],
        };
        this.users.set(user.id, user);
        return this.publicUser(user);
    }

    private publicUser(user: UserRecord): EmulatorUser {
        const { boards: _boards, pins: _pins, ...rest } = user;
        return { ...rest };
    }

    getUser(userId: string): EmulatorUser | undefined {
        const user = this.users.get(userId);
        return user ? this.publicUser(user) : undefined;
    }

    /** `GET /user_account` body for a user, with the counters of the emulator clock's day. */
    getAccount(userId: string): ApiAccount | undefined {
        const user = this.users.get(userId);
        if (!user) return undefined;
        const counters = accountCountersOn(user, dayOf(this.now()));
        return {
            account_type: user.accountType,
            id: user.id,
            username: user.username,
            about: user.about,
            business_name: user.businessName,
            profile_image: user.profileImage,
            website_url: user.websiteUrl,
            board_count: user.boards.length,
            pin_count: user.pins.length,
            ...counters,
        };
    }

    private checkScopes(scopes: string[]): void {
        const known = knownScopes();
        const unknown = scopes.filter((s) => !known.has(s));
        if (unknown.length > 0) throw new Error(`Unknown Pinterest scopes: ${unknown.join(', ')}`);
    }

    issueTokens(options: IssueTokensOptions): IssuedTokens {
        if (!this.users.has(options.userId)) throw new Error(`Unknown user ${options.userId}`);
        if (!this.apps.has(options.appId)) throw new Error(`Unknown app ${options.appId}`);
        this.checkScopes(options.scopes);
        return this.mintTokens(
            options.userId,
            options.appId,
            [...new Set(options.scopes)],
            options.environment ?? 'production',
            options.accessTokenTtlSec ?? DEFAULT_ACCESS_TOKEN_TTL_SEC,
            options.refreshTokenTtlSec ?? DEFAULT_REFRESH_TOKEN_TTL_SEC,
        );
    }

    private mintTokens(
        userId: string,
        appId: string,
        scopes: string[],
        environment: Environment,
        accessTtlSec: number,
        refreshTtlSec: number,
    ): IssuedTokens {
        const now = this.now();
        const access: AccessTokenRecord = { token: randomToken('pina_'), userId, appId, scopes, environment, expiresAt: now + accessTtlSec * 1000 };
        const refresh: RefreshTokenRecord = {
            token: randomToken('pinr_'),
            userId,
            appId,
            scopes,
            environment,
            expiresAt: now + refreshTtlSec * 1000,
            status: 'active',
            accessTtlSec,
            refreshTtlSec,
        };
        this.accessTokens.set(access.token, access);
        this.refreshTokens.set(refresh.token, refresh);
        return {
            accessToken: access.token,
            refreshToken: refresh.token,
            accessTokenExpiresAt: access.expiresAt,
            refreshTokenExpiresAt: refresh.expiresAt,
        };
    }

    /** Makes an access token expired as of now. Returns false when the token is unknown. */
    expireAccessToken(token: string): boolean {
        const record = this.accessTokens.get(token);
        if (!record) return false;
        record.expiresAt = Math.min(record.expiresAt, this.now());
        return true;
    }

    revokeRefreshToken(token: string): boolean {
        const record = this.refreshTokens.get(token);
        if (!record) return false;
        record.status = 'revoked';
        return true;
    }

    isAccessTokenValid(token: string): boolean {
        const record = this.accessTokens.get(token);
        return record !== undefined && this.now() < record.expiresAt;
    }

    isRefreshTokenValid(token: string): boolean {
        const record = this.refreshTokens.get(token);
        return record !== undefined && record.status === 'active' && this.now() < record.expiresAt;
    }

    /** The scopes and owner of an access token (whether or not it is still valid). */
    describeAccessToken(token: string): (Omit<AccessTokenRecord, 'token'> & { valid: boolean }) | undefined {
        const record = this.accessTokens.get(token);
        if (!record) return undefined;
        const { token: _token, ...rest } = record;
        return { ...rest, scopes: [...rest.scopes], valid: this.now() < record.expiresAt };
    }

    mintAuthorizationCode(options: { appId: string; userId: string; scopes: string[]; redirectUri: string; environment?: Environment }): string {
        if (!this.users.has(options.userId)) throw new Error(`Unknown user ${options.userId}`);
        if (!this.apps.has(options.appId)) throw new Error(`Unknown app ${options.appId}`);
        this.checkScopes(options.scopes);
        const code = randomBytes(20).toString('hex');
        this.authCodes.set(code, {
            code,
            appId: options.appId,
            userId: options.userId,
            scopes: [...new Set(options.scopes)],
            redirectUri: options.redirectUri,
            environment: options.environment ?? 'production',
            expiresAt: this.now() + AUTHORIZATION_CODE_TTL_MS,
            used: false,
        });
        return code;
    }

    /** server: the record behind a bearer token, or undefined. Does not check expiry. */
    lookupAccessToken(token: string): AccessTokenRecord | undefined {
        return this.accessTokens.get(token);
    }

    /** server: `grant_type=refresh_token`. Rotates: the old refresh token stops working, the old access token lives on. */
    refreshAccessToken(refreshToken: string, appId: string, requestedScopes: string[] | undefined): TokenExchangeResult {
        const record = this.refreshTokens.get(refreshToken);
        if (!record || record.appId !== appId) return { ok: false, reason: 'unknown' };
        if (record.status === 'revoked') return { ok: false, reason: 'revoked' };
        if (record.status === 'rotated') return { ok: false, reason: 'already used (rotated)' };
        if (this.now() >= record.expiresAt) return { ok: false, reason: 'expired' };
        let scopes = record.scopes;
        if (requestedScopes && requestedScopes.length > 0) {
            const extra = requestedScopes.filter((s) => !record.scopes.includes(s));
            if (extra.length > 0) return { ok: false, reason: `scope exceeds the original grant: ${extra.join(', ')}` };
            scopes = [...new Set(requestedScopes)];
        }
        record.status = 'rotated';
        const tokens = this.mintTokens(record.userId, record.appId, scopes, record.environment, record.accessTtlSec, record.refreshTtlSec);
        return { ok: true, tokens, scopes, accessTtlSec: record.accessTtlSec, refreshTtlSec: record.refreshTtlSec };
    }

    /** server: `grant_type=authorization_code`. Codes are single-use and live ten minutes. */
    exchangeAuthorizationCode(code: string, appId: string, redirectUri: string): TokenExchangeResult {
        const record = this.authCodes.get(code);
        if (!record || record.appId !== appId) return { ok: false, reason: 'unknown' };
        if (record.used) return { ok: false, reason: 'already used' };
        if (this.now() >= record.expiresAt) return { ok: false, reason: 'expired' };
        if (record.redirectUri !== redirectUri) return { ok: false, reason: 'redirect_uri mismatch' };
        record.used = true;
        const tokens = this.mintTokens(
            record.userId,
            record.appId,
            record.scopes,
            record.environment,
            DEFAULT_ACCESS_TOKEN_TTL_SEC,
            DEFAULT_REFRESH_TOKEN_TTL_SEC,
        );
        return { ok: true, tokens, scopes: record.scopes, accessTtlSec: DEFAULT_ACCESS_TOKEN_TTL_SEC, refreshTtlSec: DEFAULT_REFRESH_TOKEN_TTL_SEC };
    }

    // ---------------------------------------------------------------- boards and pins

    createBoard(userId: string, options: { name: string; description?: string | null; privacy?: BoardPrivacy; followerCount?: number }): ApiBoard {
        const user = this.users.get(userId);
        if (!user) throw new Error(`Unknown user ${userId}`);
        const seq = this.nextSeq();
        const now = this.now();
        const board: BoardRecord = {
            seq,
            id: this.makeId('701', seq),
            ownerId: userId,
            name: options.name,
            description: options.description ?? null,
            privacy: options.privacy ?? 'PUBLIC',
            createdAt: now,
            pinsModifiedAt: now,
            followerCount: options.followerCount ?? 0,
            collaboratorCount: 0,
            pins: [],
            sections: [],
        };
        this.boards.set(board.id, board);
        user.boards.push(board);
        return this.renderBoard(board);
    }

    /**
     * Adds `count` image pins to a board. Titles default to `Pin <n>` (n counts the board's pins, from 1),
     * images to deterministic i.pinimg.com URLs, metrics to deterministic non-zero numbers.
     */
    createPins(boardId: string, count: number, overrides: PinSeed | ((index: number) => PinSeed) = {}): ApiPin[] {
        const board = this.boards.get(boardId);
        if (!board) throw new Error(`Unknown board ${boardId}`);
        const now = this.now();
        const created: ApiPin[] = [];
        for (let i = 0; i < count; i++) {
            const seed = typeof overrides === 'function' ? overrides(i) : overrides;
            const number = board.pins.length + 1;
            const seq = this.nextSeq();
            const id = this.makeId('845', seq);
            const record = this.insertPin(board, {
                seq,
                id,
                createdAt: seed.created_at !== undefined ? toMs(seed.created_at) : now - (count - 1 - i) * 1000,
                title: seed.title !== undefined ? seed.title : `Pin ${number}`,
                description: seed.description !== undefined ? seed.description : `Description of pin ${number} on ${board.name}.`,
                link: seed.link !== undefined ? seed.link : null,
                altText: seed.alt_text ?? null,
                dominantColor: seed.dominant_color !== undefined ? seed.dominant_color : `#${md5(id).slice(0, 6)}`,
                boardSectionId: null,
                parentPinId: seed.parent_pin_id ?? null,
                isStandard: seed.is_standard ?? true,
                hasBeenPromoted: seed.has_been_promoted ?? false,
                creativeType: seed.creative_type !== undefined ? seed.creative_type : 'REGULAR',
                media: { media_type: 'image', images: pinImages(seed.image_url ?? `pin:${id}`) },
                metrics: seed.pin_metrics ?? seededMetrics(seq),
            });
            created.push(this.renderPin(record, board.ownerId, false));
        }
        return created;
    }

    /** server: stores a pin created through `POST /pins`. */
    insertPin(board: BoardRecord, fields: Omit<PinRecord, 'boardId' | 'ownerId' | 'seq' | 'id'> & { seq?: number; id?: string }): PinRecord {
        const seq = fields.seq ?? this.nextSeq();
        const record: PinRecord = { ...fields, seq, id: fields.id ?? this.makeId('845', seq), boardId: board.id, ownerId: board.ownerId };
        this.pins.set(record.id, record);
        board.pins.push(record);
        board.pinsModifiedAt = Math.max(board.pinsModifiedAt, this.now());
        this.users.get(board.ownerId)?.pins.push(record);
        return record;
    }

    /** server: `DELETE /pins/{pin_id}`: the pin is gone from its board, its owner and every lookup. */
    removePin(pin: PinRecord): void {
        this.pins.delete(pin.id);
        const board = this.boards.get(pin.boardId);
        if (board) {
            board.pins = board.pins.filter((p) => p !== pin);
            board.pinsModifiedAt = Math.max(board.pinsModifiedAt, this.now());
        }
        const owner = this.users.get(pin.ownerId);
        if (owner) owner.pins = owner.pins.filter((p) => p !== pin);
    }

    /** server: `PATCH /pins/{pin_id}` with another `board_id`: the pin keeps its place in creation order on the new board. */
    movePin(pin: PinRecord, board: BoardRecord): void {
        const from = this.boards.get(pin.boardId);
        if (from === board) return;
        if (from) {
            from.pins = from.pins.filter((p) => p !== pin);
            from.pinsModifiedAt = Math.max(from.pinsModifiedAt, this.now());
        }
        pin.boardId = board.id;
        board.pins = [...board.pins, pin].sort((a, b) => a.seq - b.seq);
        board.pinsModifiedAt = Math.max(board.pinsModifiedAt, this.now());
    }

    /** Boards of the user, newest first (the API's order). */
    boardsOf(userId: string): ApiBoard[] {
        return this.listBoardsOfUser(userId);
    }

    createBoardSection(boardId: string, name: string): ApiBoardSection {
        const board = this.boards.get(boardId);
        if (!board) throw new Error(`Unknown board ${boardId}`);
        const seq = this.nextSeq();
        const section: SectionRecord = { seq, id: this.makeId('549', seq), boardId, name };
        this.sections.set(section.id, section);
        board.sections.push(section);
        return { id: section.id, name };
    }

    /** Sections of a board in creation order (the API's order). */
    sectionsOf(boardId: string): ApiBoardSection[] {
        return (this.boards.get(boardId)?.sections ?? []).map((s) => ({ id: s.id, name: s.name }));
    }

    /** server */
    sectionRecord(sectionId: string): SectionRecord | undefined {
        return this.sections.get(sectionId);
    }

    /** Pins created through `POST /pins`, in creation order (seeded pins are not counted). */
    createdPins(): ApiPin[] {
        return [...this.pins.values()].filter((p) => p.createdViaApi).map((p) => this.renderPin(p, p.ownerId, false));
    }

    createdPinCount(): number {
        return [...this.pins.values()].filter((p) => p.createdViaApi).length;
    }

    /** Applies to pins created through `POST /pins` from now on. `{}` switches the lag off. */
    setListingLag(lag: ListingLag): void {
        const lists = lag.lists ?? 0;
        const ms = lag.ms ?? 0;
        if (!Number.isInteger(lists) || lists < 0 || !Number.isFinite(ms) || ms < 0)
            throw new Error('listingLag: lists must be a non-negative integer, ms a non-negative number');
        this.listingLag = { lists, ms };
    }

    /** server: starts the listing lag of a pin just created through the API. */
    startListingLag(pin: PinRecord): void {
        if (this.listingLag.lists > 0 || this.listingLag.ms > 0)
            pin.lag = { lists: this.listingLag.lists, untilMs: pin.createdAt + this.listingLag.ms };
    }

    /**
     * server: whether a list request may show the pin. Call once per list request and pin (after the other filters):
     * each call while the pin lags uses up one of its lagging list requests.
     */
    shownInList(pin: PinRecord): boolean {
        const lag = pin.lag;
        if (!lag) return true;
        const hidden = lag.lists > 0 || this.now() < lag.untilMs;
        if (lag.lists > 0) lag.lists -= 1;
        if (!hidden) delete pin.lag;
        return !hidden;
    }

    // ---------------------------------------------------------------- media uploads

    /** server: `POST /media`. `origin` is the emulator's `http://127.0.0.1:<port>`. */
    registerMedia(userId: string, origin: string): { record: MediaRecord; uploadUrl: string } {
        if (!this.users.has(userId)) throw new Error(`Unknown user ${userId}`);
        const seq = this.nextSeq();
        const id = this.makeId('895', seq);
        const now = this.now();
        const expiresAt = now + MEDIA_UPLOAD_TTL_MS;
        const hash = md5(`media:${id}`);
        const key = `uploads/${hash.slice(0, 2)}/${hash.slice(2, 4)}/${hash.slice(4, 6)}/${userId}:video:${id}`;
        const stamp = new Date(now)
            .toISOString()
            .replace(/[-:]/g, '')
            .replace(/\.\d{3}/, '');
        const credential = `ASIAEMULATOR${hash.slice(0, 8).toUpperCase()}/${stamp.slice(0, 8)}/us-east-1/s3/aws4_request`;
        const policy = Buffer.from(
            JSON.stringify({
                expiration: new Date(expiresAt).toISOString(),
                conditions: [
                    { bucket: 'pinterest-media-upload' },
                    { key },
                    { 'Content-Type': 'multipart/form-data' },
                    { 'x-amz-credential': credential },
                ],
            }),
        ).toString('base64');
        const uploadParameters: Record<string, string> = {
            'x-amz-date': stamp,
            'x-amz-signature': createHmac('sha256', this.uploadSigningKey).update(policy).digest('hex'),
            'x-amz-security-token': randomBytes(48).toString('base64'),
            'x-amz-algorithm': 'AWS4-HMAC-SHA256',
            key,
            policy,
            'x-amz-credential': credential,
            'Content-Type': 'multipart/form-data',
        };
        const forceFail = this.failNextMediaCount > 0;
        if (forceFail) this.failNextMediaCount -= 1;
        const record: MediaRecord = {
            seq,
            id,
            ownerId: userId,
            mediaType: 'video',
            uploadParameters,
            uploadExpiresAt: expiresAt,
            upload: null,
            polls: 0,
            forceFail,
        };
        this.media.set(id, record);
        return { record, uploadUrl: `${origin}/media-uploads/${id}` };
    }

    /** Registers a video for the user as if it had been uploaded and processed (default status `succeeded`). */
    createVideoMedia(userId: string, options: { status?: MediaStatus; bytes?: number } = {}): MediaInfo {
        const { record } = this.registerMedia(userId, 'http://127.0.0.1');
        const status = options.status ?? 'succeeded';
        if (status !== 'registered') {
            const bytes = options.bytes ?? 1024;
            record.upload = {
                bytes,
                sha256: createHash('sha256').update(`seeded:${record.id}`).digest('hex'),
                filename: 'video.mp4',
                contentType: 'video/mp4',
                authorizationHeader: false,
                receivedAt: this.now(),
            };
            record.polls = status === 'processing' ? 0 : this.mediaProcessingPolls;
            record.forceFail = status === 'failed';
        }
        return this.mediaInfo(record);
    }

    /** The next `count` media registered through `POST /media` end up `failed` after processing. */
    failNextMedia(count = 1): void {
        this.failNextMediaCount += count;
    }

    /** Makes a registered media end up `failed` after processing (or now, if it already finished). */
    failMedia(mediaId: string): void {
        const record = this.media.get(mediaId);
        if (!record) throw new Error(`Unknown media ${mediaId}`);
        record.forceFail = true;
    }

    getMedia(mediaId: string): MediaInfo | undefined {
        const record = this.media.get(mediaId);
        return record ? this.mediaInfo(record) : undefined;
    }

    /** Media of the user, newest first. */
    mediaOf(userId: string): MediaInfo[] {
        return this.mediaRecordsOf(userId).map((r) => this.mediaInfo(r));
    }

    /** server */
    mediaRecord(mediaId: string): MediaRecord | undefined {
        return this.media.get(mediaId);
    }

    /** server: newest first. */
    mediaRecordsOf(userId: string): MediaRecord[] {
        return [...this.media.values()].filter((r) => r.ownerId === userId).reverse();
    }

    /** server: a completed upload (a new upload of the same media replaces the old one and restarts processing). */
    recordUpload(record: MediaRecord, receipt: MediaUploadReceipt): void {
        record.upload = receipt;
        record.polls = 0;
    }

    mediaStatus(record: MediaRecord): MediaStatus {
        if (!record.upload) return 'registered';
        if (record.polls < this.mediaProcessingPolls) return 'processing';
        return record.forceFail || record.upload.bytes === 0 ? 'failed' : 'succeeded';
    }

    renderMedia(record: MediaRecord): ApiMedia {
        return { media_id: record.id, media_type: record.mediaType, status: this.mediaStatus(record) };
    }

    private mediaInfo(record: MediaRecord): MediaInfo {
        return {
            ...this.renderMedia(record),
            ownerId: record.ownerId,
            uploadParameters: { ...record.uploadParameters },
            upload: record.upload ? { ...record.upload } : null,
            pollsSinceUpload: record.polls,
        };
    }

    getBoard(boardId: string): ApiBoard | undefined {
        const board = this.boards.get(boardId);
        return board ? this.renderBoard(board) : undefined;
    }

    listBoardsOfUser(userId: string): ApiBoard[] {
        return [...(this.users.get(userId)?.boards ?? [])].reverse().map((b) => this.renderBoard(b));
    }

    getPin(pinId: string): ApiPin | undefined {
        const pin = this.pins.get(pinId);
        return pin ? this.renderPin(pin, pin.ownerId, false) : undefined;
    }

    /** Pins of a board, newest first (the API's order). */
    listPinsOfBoard(boardId: string): ApiPin[] {
        return [...(this.boards.get(boardId)?.pins ?? [])].reverse().map((p) => this.renderPin(p, p.ownerId, false));
    }

    /** Pins the user owns across all boards, newest first. */
    listPinsOfUser(userId: string): ApiPin[] {
        return [...(this.users.get(userId)?.pins ?? [])].reverse().map((p) => this.renderPin(p, p.ownerId, false));
    }

    getPinMetrics(pinId: string): PinMetrics | undefined {
        const pin = this.pins.get(pinId);
        return pin ? structuredClone(pin.metrics) : undefined;
    }

    setPinMetrics(pinId: string, metrics: PinMetrics): void {
        const pin = this.pins.get(pinId);
        if (!pin) throw new Error(`Unknown pin ${pinId}`);
        pin.metrics = structuredClone(metrics);
    }

    /** server */
    boardRecord(boardId: string): BoardRecord | undefined {
        return this.boards.get(boardId);
    }

    /** server */
    pinRecord(pinId: string): PinRecord | undefined {
        return this.pins.get(pinId);
    }

    /** server: boards owned by the user, newest first. */
    boardRecordsOf(userId: string): BoardRecord[] {
        return [...(this.users.get(userId)?.boards ?? [])].reverse();
    }

    /** server: pins owned by the user, newest first. */
    pinRecordsOf(userId: string): PinRecord[] {
        return [...(this.users.get(userId)?.pins ?? [])].reverse();
    }

    /** server */
    usernameOf(userId: string): string {
        return this.users.get(userId)?.username ?? 'unknown';
    }

    renderBoard(board: BoardRecord): ApiBoard {
        const latest = board.pins.slice(-5).reverse();
        const firstImages = (pin: PinRecord): ApiImageSizes | undefined =>
            pin.media.media_type === 'multiple_images' ? pin.media.items[0]?.images : pin.media.images;
        return {
            id: board.id,
            created_at: formatPinterestTime(board.createdAt),
            board_pins_modified_at: formatPinterestTime(board.pinsModifiedAt),
            name: board.name,
            description: board.description,
            collaborator_count: board.collaboratorCount,
            pin_count: board.pins.length,
            follower_count: board.followerCount,
            media: {
                image_cover_url: (latest[0] && firstImages(latest[0])?.['400x300'].url) ?? null,
                pin_thumbnail_urls: latest.map((p) => firstImages(p)?.['150x150'].url).filter((u): u is string => u !== undefined),
            },
            owner: { username: this.usernameOf(board.ownerId) },
            privacy: board.privacy,
        };
    }

    renderPin(pin: PinRecord, viewerId: string, withMetrics: boolean): ApiPin {
        const rendered: ApiPin = {
            id: pin.id,
            created_at: formatPinterestTime(pin.createdAt),
            link: pin.link,
            title: pin.title,
            description: pin.description,
            alt_text: pin.altText,
            board_id: pin.boardId,
            board_section_id: pin.boardSectionId,
            board_owner: { username: this.usernameOf(this.boards.get(pin.boardId)?.ownerId ?? pin.ownerId) },
            media: structuredClone(pin.media),
            dominant_color: pin.dominantColor,
            is_owner: pin.ownerId === viewerId,
            is_standard: pin.isStandard,
            has_been_promoted: pin.hasBeenPromoted,
            creative_type: pin.creativeType,
            parent_pin_id: pin.parentPinId,
        };
        if (withMetrics) rendered.pin_metrics = structuredClone(pin.metrics);
        return rendered;
    }
}
