import type { ConsoleForm } from './console-schema.js';

/**
 * How the Console form presents the input: sections in order, and each field's title, words, editor and example.
 * Only presentation lives here. Types, limits, patterns, enums, defaults, the modes a field serves and the mode
 * list come from the zod schemas and the handler table (console-schema.ts adds them), so the words below never
 * restate a number zod holds. A new field needs an entry here; `npm run schema` says which one is missing.
 */
export const CONSOLE_FORM: ConsoleForm = {
    title: 'Pinterest Publisher & Analytics input',
    description:
        'Works with your own Pinterest account through the official Pinterest API v5. Pick what to do, paste a token from your Pinterest app, and run. Every field is optional except the credentials: give an access token, or a refresh token together with your App ID and App secret. Empty text fields and null count as not given.',
    sections: [
        {
            caption: 'What to do',
            description: 'One run does one job. Schedule the Actor or save tasks to repeat it.',
            fields: {
                mode: { title: 'Mode', description: 'What the run does, and the token scopes it needs.' },
            },
        },
        {
            caption: 'Pinterest credentials',
            description:
                'Give an access token, or a refresh token with your App ID and App secret (or all four). Secret fields are stored encrypted by Apify, and the Actor never writes a token to the log or the dataset.',
            fields: {
                accessToken: {
                    title: 'Access token',
                    isSecret: true,
                    description:
                        'Your Pinterest access token (it starts with <code>pina_</code>). Get one by creating an app at developers.pinterest.com and authorising it for your account with the scopes your mode needs (listed under Mode); the README’s “How to get a Pinterest token” walks through it. Add <code>user_accounts:read</code> for the start-up check, and <code>boards:read_secret</code> / <code>pins:read_secret</code> to include secret boards and pins. An access token works for 30 days: to stop pasting a new one every month, also fill in the refresh token, App ID and App secret below.',
                },
                refreshToken: {
                    title: 'Refresh token',
                    isSecret: true,
                    description:
                        'Refresh token from the same authorisation (it starts with <code>pinr_</code>). Together with App ID and App secret it lets the Actor get a new access token whenever the old one has expired or is missing. Pinterest issues a new refresh token on every refresh and the old one stops working; the Actor saves the new pair in the key-value store named under “Token store name” and uses it in later runs, so you only paste this once. A refresh token lasts 60 days from when it was issued.',
                },
                appId: {
                    title: 'App ID',
                    description:
                        'The numeric App ID of your Pinterest app (developers.pinterest.com → My apps). Needed only together with a refresh token.',
                    example: '1234567',
                },
                appSecret: {
                    title: 'App secret',
                    isSecret: true,
                    description:
                        'The secret key of your Pinterest app (developers.pinterest.com → My apps → your app). Needed only together with a refresh token; the Actor sends it to Pinterest’s token endpoint and nowhere else.',
                },
                adAccountId: {
                    title: 'Ad account ID (Business Access)',
                    description:
                        'For agencies: the ID of a client’s ad account that the client shared with your Pinterest account through Business Access. The run then acts on the client’s Pinterest account with your own token: its boards, pins and analytics, and the ledger and queue are the client’s. What works depends on your role there: Analyst reads and sees analytics; creating or changing pins needs Admin or Campaign manager. Leave empty to act on the token’s own account.',
                    example: '549755885175',
                },
                accounts: {
                    title: 'Accounts (agencies: many in one run)',
                    editor: 'json',
                    isSecret: true,
                    description:
                        'Several Pinterest accounts in one run, instead of the access token and refresh token fields: a JSON list of <code>{"label": "client-a", "accessToken": "pina_…", "refreshToken": "pinr_…"}</code>. <code>label</code> (1–40 letters, digits or hyphens, each different) names the account in rows, messages and reports; an item may also give <code>appId</code>, <code>appSecret</code>, <code>environment</code> and <code>adAccountId</code>, else the top-level fields apply. An item with only a label takes the tokens the connect-account mode saved for it. Each account connects, is checked and runs on its own: one that fails (a revoked token, a missing scope) is named in the output and the others go on. Stored encrypted, like the token fields.',
                },
                environment: {
                    title: 'Pinterest environment',
                    description:
                        'Which Pinterest API to call. A token works only in the environment it was issued for. Apps with Trial access may read production data but cannot create pins there (Pinterest answers 403, code 29): create test pins in the sandbox instead. The sandbox cannot create video pins and has analytics switched off.',
                    enumTitles: { production: 'Production (api.pinterest.com)', sandbox: 'Sandbox (api-sandbox.pinterest.com)' },
                },
                credentialsStoreName: {
                    title: 'Token store name',
                    description:
                        'Name of the key-value store in your Apify account where the Actor keeps refreshed tokens between runs, one record per Pinterest account. New tokens are written there before they are used, and later runs read them from there. Use a different name to keep separate sets of tokens apart, for example one per client. To forget the tokens, delete the record or the store in Apify Console → Storage → Key-value stores.',
                },
                skipPreflight: {
                    title: 'Skip the start-up check',
                    description:
                        'Before any work, the Actor makes one <code>GET /user_account</code> request (scope <code>user_accounts:read</code>) to check that the token works, that it has the scopes the mode needs where Pinterest reports them, and whether the app has only Trial access. Tick this to save that request, for example in frequent scheduled runs; problems then show up on the first real request instead.',
                },
            },
        },
        {
            caption: 'Board and new pin',
            description:
                'create-pin publishes the pin described here, the pins list, or a CSV. Board ID (or Board name), Pin title and one kind of media make a pin.',
            fields: {
                boardId: {
                    title: 'Board ID',
                    description:
                        'The board’s numeric ID, written as text. create-pin: the board the pin goes to (or give Board name). The listing and analytics modes read only this board’s pins; leave it and Board name empty for every pin of the account. Run list-boards to see your boards and their IDs (a board’s web address has no ID in it: give its name in Board name instead).',
                    example: '549755885175',
                },
                boardName: {
                    title: 'Board name',
                    description:
                        'Instead of Board ID: the board’s name as Pinterest shows it (case and surrounding spaces do not matter); the boards are listed once per run to find it. create-pin: an unknown name fails the pin with the closest names you have, unless Create missing boards is on. The listing and analytics modes read only this board’s pins, and stop at an unknown name before reading anything.',
                },
                boardSectionId: {
                    title: 'Board section ID',
                    description:
                        'Optional: put the pin in this section of the board (digits; Pinterest answers 404 if the section is not on that board).',
                },
                boardSectionName: {
                    title: 'Board section name',
                    description:
                        'Instead of Board section ID: the section’s name on the pin’s board (case and surrounding spaces do not matter; the CSV’s Section column). Each board’s sections are listed once per run. An unknown name fails the pin with the closest names the board has, unless Create missing sections is on.',
                },
                pinTitle: {
                    title: 'Pin title',
                    description: 'Title of the new pin. Every pin needs one. Also read as <code>title</code>, the name the output rows use.',
                    example: 'Lemon ricotta pancakes in 20 minutes',
                },
                pinDescription: {
                    title: 'Pin description',
                    editor: 'textarea',
                    description:
                        'Text shown with the pin. Pinterest often shows only about the first 500 characters, so put the important words first. Optional. Also read as <code>description</code>, the name the output rows use.',
                    example: 'Fluffy pancakes with lemon zest and ricotta. Full recipe and shopping list on the blog.',
                },
                imageUrl: {
                    title: 'Image URL',
                    description:
                        'A public http(s) address of the image; Pinterest downloads it from there. A pin needs this, Carousel image URLs or Video URL. JPEG or PNG up to 20 MB works best (the API has rejected WebP); a 2:3 portrait image such as 1000 × 1500 px shows largest in the feed.',
                    example: 'https://example.com/images/lemon-pancakes.jpg',
                },
                imageUrls: {
                    title: 'Carousel image URLs',
                    description: 'For a carousel pin instead of Image URL: full http(s) image URLs, shown in this order.',
                },
                videoUrl: {
                    title: 'Video URL',
                    description:
                        'For a video pin instead of Image URL: a direct http(s) link to an MP4, MOV or M4V file. The Actor uploads it to Pinterest and waits until Pinterest has processed it. Needs Cover image URL.',
                },
                coverImageUrl: {
                    title: 'Cover image URL',
                    description: 'Video pins: the http(s) URL of the cover image Pinterest shows before the video plays (required for a video).',
                },
                linkUrl: {
                    title: 'Destination link',
                    description:
                        'Where people go when they click the pin, for example your product page or blog post. A full http(s) address. Optional. Also read as <code>link</code>, the name the output rows use.',
                    example: 'https://example.com/recipes/lemon-ricotta-pancakes',
                },
                altText: {
                    title: 'Alt text',
                    editor: 'textarea',
                    description: 'Describes the image for people who use screen readers. Optional but recommended.',
                    example: 'A stack of pancakes topped with lemon slices on a white plate',
                },
                publishAt: {
                    title: 'Publish at',
                    description:
                        'Optional: schedule the pin instead of posting it now. ISO 8601 with an offset or Z (2026-12-01T08:00:00Z), or without one to read it in Time zone (2026-12-01T09:00). A time that has passed posts now. Queued pins are published by runs of mode publish-scheduled.',
                    example: '2026-12-01T09:00:00+01:00',
                },
                key: {
                    title: 'Key',
                    description:
                        'Optional: your own id for the pin. The ledger then recognises the pin by this key (on its board) instead of by its content, so editing the text does not make it a new pin.',
                    example: 'week-48-lemon-pancakes',
                },
                boards: {
                    title: 'Boards (one pin to several boards)',
                    description:
                        'Instead of Board ID or Board name: the boards (IDs or names) this pin goes to, days apart. The pin is created on the first board at its time; each further board gets a save of that pin (a pin of its own, charged as pin-created) Days between boards later, published by publish-scheduled. Pinterest advises at most 10 boards. For example ["Summer Recipes", "Desserts", "549755885175"].',
                },
                boardIntervalDays: {
                    title: 'Days between boards',
                    unit: 'days',
                    description:
                        'With Boards: the save to the second board goes this many days after the pin, the third twice as many, and so on. 7 (a week) unless given.',
                },
            },
        },
        {
            caption: 'Many pins, CSV and duplicates',
            description:
                'create-pin publishes a whole batch in one run, each pin exactly once: a ledger in a named key-value store remembers every pin published, so re-running the same input skips what is already out.',
            fields: {
                pins: {
                    title: 'Pins (many at once)',
                    description:
                        'A JSON list of pins, each with the single-pin field names above (or title, description and link, as the output rows name them, so a row can be copied back). A pin needs boardId or boardName, pinTitle, and one of imageUrl, imageUrls or videoUrl (with coverImageUrl). A misspelt key (publish_at, linkURL) stops the run before anything is posted; any other unknown key fails that pin. One dataset row per pin, in order.',
                    example: [
                        {
                            boardId: '549755885175',
                            pinTitle: 'Lemon tart',
                            imageUrl: 'https://example.com/tart.jpg',
                            linkUrl: 'https://example.com/tart',
                        },
                        {
                            boardName: 'Summer Recipes',
                            pinTitle: 'Berry bowl',
                            imageUrls: ['https://example.com/b1.jpg', 'https://example.com/b2.jpg'],
                            publishAt: '2026-12-01T09:00',
                        },
                    ],
                },
                pinsCsv: {
                    title: 'Pins as CSV (Pinterest bulk format)',
                    editor: 'textarea',
                    description:
                        'CSV text in Pinterest’s bulk-create format: columns Title, Media URL, Pinterest board, Thumbnail, Description, Link, Publish date, Keywords, Section for a board section, and Account (with several accounts: the label of the account the pin is for) (header names in any case; other columns ignored). Separated by commas, semicolons (Excel in many languages) or tabs (pasted from a spreadsheet). Every bad row is reported with its spreadsheet row number and the column at fault.',
                },
                pinsCsvUrl: {
                    title: 'Pins CSV URL',
                    description: 'Instead of Pins as CSV: an http(s) link to the CSV file (a direct download link, up to 50 MB).',
                },
                dryRun: {
                    title: 'Dry run',
                    description:
                        'Check everything and report what would happen, without posting, changing, deleting, queuing or charging anything: create-pin checks fields, board names, CSV rows, duplicates in the ledger and times (would-create / would-schedule rows); update-pins shows every change with its value before and after (would-update); delete-pins says which pins exist (would-delete); update-scheduled shows each queued pin’s changes (would-update).',
                },
                allowDuplicates: {
                    title: 'Allow duplicates',
                    description:
                        'Post pins even if the ledger says the same pin was already published or queued. Off by default, because Pinterest treats repeated pins as spam.',
                },
                createMissingBoards: {
                    title: 'Create missing boards',
                    description:
                        'When a Board name (of a new pin, or a board to move pins to) is not one of your boards, create it (once per name) instead of failing that pin.',
                },
                createMissingSections: {
                    title: 'Create missing sections',
                    description:
                        'When a Board section name is not a section of the pin’s board, create it (once per board and name) instead of failing that pin.',
                },
                ledgerStoreName: {
                    title: 'Ledger store name',
                    description:
                        'Named key-value store that remembers every pin published, so no pin is posted twice across runs. Several accounts can share it; use the same name in every run and task.',
                },
                reconcileWaitSeconds: {
                    title: 'Look for unanswered pins for (seconds)',
                    unit: 'seconds',
                    description:
                        'When Pinterest does not answer a pin request (timeout, dropped connection, server error), the Actor looks for the pin on the board this long before calling it unconfirmed (not charged; the next run checks again). The board’s listing can lag a few seconds.',
                },
            },
        },
        {
            caption: 'Scheduling',
            description:
                'Pins with a future Publish at (or spaced by Spacing) wait in a queue in a named key-value store; a task with mode publish-scheduled, run by an Apify Schedule every 15 minutes, publishes what is due. Queuing, listing and cancelling are free.',
            fields: {
                timeZone: {
                    title: 'Time zone',
                    description:
                        'IANA time zone (Europe/Berlin, America/New_York) in which times without an offset and Spacing’s time slots are read, and in which rows show publishAtLocal. Abbreviations such as EST or CET are refused, with the IANA name to use: they cannot follow summer time. Daylight-saving gaps move a time forward by the gap; in an overlap the earlier time is taken.',
                    example: 'Europe/Berlin',
                },
                spacing: {
                    title: 'Spacing',
                    editor: 'schemaBased',
                    description:
                        'Optional: spread the batch’s pins that have no Publish at of their own over time, on a weekly plan. Give Time slots or Interval, not both. A pin’s own Publish at wins. An unknown key stops the run.',
                    example: { timeSlots: ['Mon-Fri 09:00', 'Sat,Sun 11:30', '20:00'], jitterMinutes: 10, minDaysBetweenSameLink: 3, maxPerDay: 4 },
                    keys: {
                        startAt: {
                            title: 'Start at',
                            description:
                                'With Interval: when the first pin goes out, read like Publish at (ISO 8601; without an offset in Time zone). Default: now.',
                        },
                        intervalMinutes: {
                            title: 'Interval (minutes)',
                            description: 'One pin every this many minutes of elapsed time, from Start at.',
                        },
                        timeSlots: {
                            title: 'Time slots',
                            description:
                                'Times of day, HH:mm in Time zone, every day (20:00) or on the days named before them (Mon-Fri 09:00, Sat,Sun 11:30); each pin takes the next free slot, skipping slots already taken in the queue.',
                        },
                        jitterMinutes: {
                            title: 'Jitter (minutes)',
                            description:
                                'A random offset of up to this many minutes either way, so posts do not look robotic; it never reorders pins or moves one into the past. Less than half the interval or the smallest gap between slots.',
                        },
                        minDaysBetweenSameLink: {
                            title: 'Days between pins with the same link',
                            description:
                                'Never two pins with the same destination link closer than this many days, counting the queue and what the ledger says was published.',
                        },
                        maxPerDay: {
                            title: 'Most pins a day',
                            description:
                                'At most this many pins on one day in Time zone, counting what the account has queued already; the rest move to the next day’s slots. Needs Time slots or Interval.',
                        },
                    },
                },
                queueStoreName: {
                    title: 'Queue store name',
                    description:
                        'Named key-value store holding the scheduling queue. Several accounts can share it (each run sees only its own account’s pins); every mode that queues, publishes, lists or cancels pins must use the same name.',
                },
                maxAttempts: {
                    title: 'Attempts per scheduled pin',
                    description:
                        'A pin that fails stays queued and is retried by later runs with a growing pause (15 min, 30 min, 1 h, ...) until this many attempts, then it is marked failed.',
                },
                statusFilter: {
                    title: 'Statuses to list',
                    description: 'Only pins in these statuses. Empty lists them all.',
                    enumTitles: {
                        scheduled: 'Scheduled',
                        publishing: 'Publishing',
                        published: 'Published',
                        failed: 'Failed',
                        cancelled: 'Cancelled',
                    },
                },
                publishFrom: {
                    title: 'Publish time from',
                    description: 'Only pins due at or after this time (ISO 8601; without an offset it is read in Time zone).',
                },
                publishTo: {
                    title: 'Publish time to',
                    description: 'Only pins due at or before this time (ISO 8601; without an offset it is read in Time zone).',
                },
                scheduleIds: {
                    title: 'Schedule IDs',
                    description:
                        'The pins to cancel (or to move with New publish time), or to change with update-scheduled, by the scheduleId that create-pin and list-scheduled show.',
                },
                cancelAll: {
                    title: 'Cancel every waiting pin',
                    description: 'Cancel every pin of this account that is still waiting in the queue. Published pins are not touched.',
                },
                newPublishAt: {
                    title: 'New publish time',
                    description:
                        'Instead of cancelling, move the pins in Schedule IDs to this time (ISO 8601; without an offset it is read in Time zone). A failed pin moved this way gets a fresh set of attempts.',
                },
                rescheduleMissed: {
                    title: 'Move the pins that fell due during a pause',
                    description:
                        'Instead of publishing the pins that fell due while the queue was paused with the next publish-scheduled run, move them to the next free slots of Spacing (give its Time slots or Interval, the account’s usual rhythm).',
                },
            },
        },
        {
            caption: 'Lists',
            description: 'How much a listing run saves, and what it lists.',
            fields: {
                maxItems: {
                    title: 'Maximum items',
                    unit: 'items',
                    description:
                        'The most boards, pins, pins with analytics or queued pins to save in one run. Each saved board, pin or analytics row is one charged item-fetched event (listing the queue is free). The Actor asks Pinterest for up to 250 items per request, so 1,000 items take 4 requests.',
                },
                includeMetrics: {
                    title: 'Include pin metrics',
                    description:
                        'Adds a metrics column with each pin’s counters for the last 90 days and for its lifetime (impressions, pin clicks, outbound clicks, reactions, comments and whatever else Pinterest returns). It comes with the same list requests, so it costs no extra requests. The sandbox has analytics switched off, so metrics may be missing there.',
                },
                includeSections: {
                    title: 'Include board sections',
                    description:
                        'Add each board’s sections (ID and name) to its row. Costs one more request per board (more for boards with over 250 sections).',
                },
                boardPrivacy: {
                    title: 'Board privacy filter',
                    description:
                        'Which boards to list. Leave empty to use Pinterest’s default. Secret boards are listed only when the token has the <code>boards:read_secret</code> scope.',
                    enumTitles: { ALL: 'All', PUBLIC: 'Public', PROTECTED: 'Protected', SECRET: 'Secret', PUBLIC_AND_SECRET: 'Public and secret' },
                },
            },
        },
        {
            caption: 'Editing and deleting pins',
            description:
                'update-pins edits published pins in bulk (text, links, board, section); delete-pins deletes pins. Run them with Dry run first: it shows every change, before and after, and sends nothing.',
            fields: {
                pinIds: {
                    title: 'Pin IDs',
                    description:
                        'Pins by numeric ID written as text, or by their address (https://www.pinterest.com/pin/813744226420795884/). update-pins: the pins Changes applies to (instead of Board ID or Board name). delete-pins: the pins to delete. get-pin-analytics: the pins to analyse. Without them, update-pins and get-pin-analytics take the pins of Board ID (or Board name), or of the whole account, up to Maximum items.',
                    example: ['813744226420795884'],
                },
                linkContains: {
                    title: 'Only pins whose link contains',
                    description:
                        'Only pins whose destination link contains this text (exactly, case included), for example your old domain. Maximum items then counts the matching pins.',
                    example: 'old-shop.com',
                },
                changes: {
                    title: 'Changes (every selected pin)',
                    editor: 'schemaBased',
                    description:
                        'What to change on every selected pin (pinIds, Board ID or Board name, or the whole account). Fields left out stay as they are; a pin already as asked is left alone (unchanged, not charged). Link edits apply in this order: Destination link replaces the link, then Link rewrite, then Query parameters. update-scheduled applies the same changes to the queued pins in Schedule IDs.',
                    example: { linkRewrite: { find: 'old-shop.com', replace: 'new-shop.com' }, setQueryParams: { utm_source: 'pinterest' } },
                    keys: {
                        pinTitle: { title: 'Title', description: 'The new title.' },
                        pinDescription: { title: 'Description', description: 'The new description.' },
                        linkUrl: { title: 'Destination link', description: 'The new link, a full http(s) address.' },
                        altText: { title: 'Alt text', description: 'The new alt text.' },
                        boardId: { title: 'Move to board ID', description: 'Move the pins to this board (they leave their section).' },
                        boardName: { title: 'Move to board name', description: 'Instead of a board ID: the board’s name, matched like Board name.' },
                        boardSectionId: { title: 'Section ID', description: 'Put the pins in this section of their (new) board.' },
                        boardSectionName: {
                            title: 'Section name',
                            description: 'Instead of a section ID: the section’s name on the pin’s (new) board, matched ignoring case.',
                        },
                        linkRewrite: {
                            title: 'Link rewrite',
                            description:
                                'Replace text in each link, taken literally: {"find": "old-shop.com", "replace": "new-shop.com"}. A pin whose edited link is no longer a valid http(s) URL of at most 2,048 characters fails.',
                        },
                        setQueryParams: {
                            title: 'Query parameters',
                            description:
                                'Parameters every link gets, such as {"utm_source": "pinterest", "utm_medium": "social"}: added, or replacing a parameter of the same name; the others stay as they are, in their order.',
                        },
                    },
                },
                pinUpdates: {
                    title: 'Per-pin edits',
                    description:
                        'Edits for single pins: a list of objects, each with pinId (an ID or a pin URL) and the fields of Changes (pinTitle, pinDescription, linkUrl, altText, boardId or boardName, boardSectionId or boardSectionName, linkRewrite, setQueryParams). A pin listed here also gets Changes; its own fields win, query parameters are merged. Every item is checked before any request.',
                    example: [
                        { pinId: '813744226420795884', pinTitle: 'Lemon tart, the easy way' },
                        { pinId: 'https://www.pinterest.com/pin/813744226420795885/', linkUrl: 'https://example.com/tart' },
                    ],
                },
            },
        },
        {
            caption: 'Analytics',
            description:
                'Options of the analytics modes. Both write report.html (charts, totals compared with the period before, a ranked table of pins) to the run’s key-value store.',
            fields: {
                startDate: {
                    title: 'Start date',
                    editor: 'datepicker',
                    dateType: 'absolute',
                    description:
                        'First day of the analytics range, as YYYY-MM-DD in UTC. Pinterest keeps analytics for 90 days, so it must be within the last 90 days, except for get-account-analytics with a history kept by snapshot-analytics, which reaches as far back as the history does (a range of up to a year). Leave empty for the 30 days ending yesterday.',
                    example: '2025-06-01',
                },
                endDate: {
                    title: 'End date',
                    editor: 'datepicker',
                    dateType: 'absolute',
                    description:
                        'Last day of the analytics range, as YYYY-MM-DD in UTC. Not before the start date, not after today, and at most 90 days after the start date. Leave empty for yesterday (or 30 days after the start date). The last two days are usually not final yet.',
                    example: '2025-06-30',
                },
                clampDateRange: {
                    title: 'Fit the range into what Pinterest keeps',
                    description:
                        'When the range starts more than 90 days ago, ends in the future or is too long, move it inside the allowed window and say so in the run’s warnings, instead of failing before any request.',
                },
                metricTypes: {
                    title: 'Pin metrics',
                    description:
                        'Which metrics to fetch, in Pinterest’s names. Leave empty for impressions, saves, pin clicks, outbound clicks, comments and reactions, plus the video metrics for video pins. Video metrics are asked for video pins only.',
                    enumTitles: {
                        IMPRESSION: 'Impressions',
                        OUTBOUND_CLICK: 'Outbound clicks',
                        PIN_CLICK: 'Pin clicks',
                        SAVE: 'Saves',
                        SAVE_RATE: 'Save rate',
                        TOTAL_COMMENTS: 'Comments (lifetime)',
                        TOTAL_REACTIONS: 'Reactions (lifetime)',
                        USER_FOLLOW: 'Follows',
                        PROFILE_VISIT: 'Profile visits',
                        VIDEO_MRC_VIEW: 'Video views (MRC)',
                        VIDEO_10S_VIEW: '10-second video views',
                        QUARTILE_95_PERCENT_VIEW: '95% video views',
                        VIDEO_V50_WATCH_TIME: 'Video watch time',
                        VIDEO_START: 'Video starts',
                        VIDEO_AVG_WATCH_TIME: 'Average video watch time',
                    },
                },
                accountMetricTypes: {
                    title: 'Account metrics',
                    description:
                        'Which metrics to fetch, in Pinterest’s names. Leave empty for all of them (impressions, saves, pin clicks, outbound clicks, engagements and their rates).',
                    enumTitles: {
                        IMPRESSION: 'Impressions',
                        SAVE: 'Saves',
                        PIN_CLICK: 'Pin clicks',
                        OUTBOUND_CLICK: 'Outbound clicks',
                        ENGAGEMENT: 'Engagements',
                        ENGAGEMENT_RATE: 'Engagement rate',
                        OUTBOUND_CLICK_RATE: 'Outbound click rate',
                        PIN_CLICK_RATE: 'Pin click rate',
                        SAVE_RATE: 'Save rate',
                    },
                },
                appTypes: {
                    title: 'Apps',
                    description: 'Count only activity in these Pinterest apps: all of them, mobile, tablet or web.',
                    enumTitles: { ALL: 'All apps', MOBILE: 'Mobile', TABLET: 'Tablet', WEB: 'Web' },
                },
                splitField: {
                    title: 'Split account analytics by',
                    description: 'One item per day and per value of this field (for example per app type), instead of one per day.',
                    enumTitles: {
                        NO_SPLIT: 'No split',
                        APP_TYPE: 'App type',
                        OWNED_CONTENT: 'Owned content',
                        SOURCE: 'Source',
                        PIN_FORMAT: 'Pin format',
                    },
                },
                sortBy: {
                    title: 'Rank top pins by',
                    description: 'The metric that ranks the account’s top pins (saved as the top-pins record and shown in the report).',
                    enumTitles: {
                        IMPRESSION: 'Impressions',
                        ENGAGEMENT: 'Engagements',
                        SAVE: 'Saves',
                        PIN_CLICK: 'Pin clicks',
                        OUTBOUND_CLICK: 'Outbound clicks',
                    },
                },
                reportTitle: {
                    title: 'Report title',
                    example: 'Acme Garden Supplies',
                    description:
                        "The title of report.html, for example your client's or brand's name when you send the report on. Leave empty to title it with the Pinterest account's name.",
                },
                topPinsCount: {
                    title: 'Top pins',
                    unit: 'pins',
                    description: 'How many top pins to fetch; the most is Pinterest’s limit. They are free: only the daily items are charged.',
                },
                compareTo: {
                    title: 'Compare with',
                    description:
                        'What the report compares the range with: the same number of days just before it, or the same days a year earlier. Days older than Pinterest’s 90 come from the history snapshot-analytics keeps; the comparison sets day against day, on the days both periods have numbers for.',
                    enumTitles: { previousPeriod: 'The period just before', previousYear: 'The same days a year earlier' },
                },
                historyStoreName: {
                    title: 'History store name',
                    description:
                        'Named key-value store where snapshot-analytics keeps the account’s daily analytics and counters beyond Pinterest’s 90 days (one record per account and year, one per month for pins), and from which get-account-analytics reads days older than 90 days, the year before and the growth lines. Several accounts can share it; use the same name in the snapshot task and in the reports.',
                },
                publishedSince: {
                    title: 'Pins published since',
                    description:
                        'Analyse the pins this Actor published for the account from this date (YYYY-MM-DD, UTC) or time on, as the ledger remembers them, with their board and publish time in each row. Combine with Board ID or Board name for one board’s; not with Pin IDs.',
                    example: '2026-03-01',
                },
                publishedUntil: {
                    title: 'Pins published until',
                    description: 'With Pins published since: the end of the window (a date includes that whole day, UTC).',
                    example: '2026-03-31',
                },
                groupBy: {
                    title: 'Group pins by',
                    description: 'Add one summary row per board (free) after the pins’ rows, and a table of the boards to the report.',
                    enumTitles: { board: 'Board' },
                },
                quick: {
                    title: 'Quick overview (90-day counters)',
                    description:
                        'Instead of daily analytics, take the 90-day and lifetime counters that come with the pin lists (one request per 250 pins, no analytics quota used). Dates are ignored.',
                },
            },
        },
        {
            caption: 'Connect a client’s account',
            description:
                'connect-account, in two runs: the first (App ID, App secret, Redirect URI, Label) outputs the authorization URL to send to the client; the second (the same four plus the address the client landed on, or its code) stores the client’s tokens in the token store under the label. No Pinterest token is needed for either.',
            fields: {
                redirectUri: {
                    title: 'Redirect URI',
                    description:
                        'The https address Pinterest sends the client to after “Give access”: any page of yours, registered under Redirect URIs in your app at developers.pinterest.com. It only has to show its address, which the client sends back to you. Use the same one in both runs.',
                    example: 'https://agency.example.com/pinterest/connected',
                },
                label: {
                    title: 'Label',
                    description:
                        'Your name for the client’s account (letters, digits, hyphens), such as <code>client-a</code>. The authorization URL is bound to it, and the tokens are stored under it: later runs name only the label.',
                    example: 'client-a',
                },
                authorizationResponseUrl: {
                    title: 'Address the client landed on',
                    isSecret: true,
                    description:
                        'Second run: the whole address of the page the client landed on after “Give access” (it holds <code>code=</code> and <code>state=</code>). The state is checked against the label, and the code is exchanged once, within minutes of being issued.',
                },
                code: {
                    title: 'Authorization code',
                    isSecret: true,
                    description: 'Instead of the address: the code alone (the value after <code>code=</code>). The state cannot be checked then.',
                },
            },
        },
    ],
};
