/**
 * The floors of src/ and what may import what (ARCHITECTURE.md explains them). `npm test` runs this check, so
 * an import that runs back up, or a circle, fails the build.
 *
 *   main.ts, run/                       the run's life: input -> connect -> preflight -> mode -> OUTPUT
 *   modes/                              one room per mode; may use every engine
 *   publish/ schedule/ analytics/       engines: plain dependencies in, never a mode's context
 *   output/ storage/ input/ credentials/ pinterest/ auth/
 *   common/                             what every floor shares (errors, log, text, clock, secrets)
 */
const ENGINES = '^src/(publish|schedule|analytics|output|storage|input|credentials|pinterest|common)/';

module.exports = {
    forbidden: [
        {
            name: 'no-circular',
            severity: 'error',
            comment: 'Import circles make load order matter and rooms inseparable.',
            from: {},
            to: { circular: true },
        },
        {
            name: 'engines-below-modes',
            severity: 'error',
            comment: 'Engines take plain dependencies; only main.ts and run/ may know the modes.',
            from: { path: ENGINES },
            to: { path: '^src/(modes|run)/|^src/main\\.ts$' },
        },
        {
            name: 'modes-below-run',
            severity: 'error',
            comment: 'A mode is wired by main.ts; it never reaches back into the run wiring.',
            from: { path: '^src/modes/' },
            to: { path: '^src/run/|^src/main\\.ts$' },
        },
        {
            name: 'publish-below-schedule',
            severity: 'error',
            comment: 'The queue stores pin drafts and hands them to the publisher: schedule/ may use publish/, not the reverse.',
            from: { path: '^src/publish/' },
            to: { path: '^src/schedule/' },
        },
        {
            name: 'analytics-apart-from-publishing',
            severity: 'error',
            from: { path: '^src/analytics/' },
            to: { path: '^src/(publish|schedule)/' },
        },
        {
            name: 'lower-floors-below-engines',
            severity: 'error',
            comment: 'Output, storage, input, credentials and the Pinterest client know nothing of the engines.',
            from: { path: '^src/(output|storage|input|credentials|pinterest)/' },
            to: { path: '^src/(publish|schedule|analytics)/' },
        },
        {
            name: 'pinterest-client-stands-alone',
            severity: 'error',
            comment: 'The Pinterest client has no Apify imports and depends only on common/.',
            from: { path: '^src/pinterest/' },
            to: { path: '^src/(?!pinterest/|common/)|node_modules/(apify|@crawlee|apify-client)/' },
        },
        {
            name: 'common-imports-nothing',
            severity: 'error',
            from: { path: '^src/common/' },
            to: { path: '^src/(?!common/)' },
        },
        {
            name: 'mode-entry-loads-its-run-lazily',
            severity: 'error',
            comment: "A mode folder's index.ts imports its run.ts only with import(), so other modes never load its machinery.",
            from: { path: '^src/modes/([^/]+)/index\\.ts$' },
            to: { path: '^src/modes/$1/run\\.ts$', dependencyTypesNot: ['dynamic-import'] },
        },
    ],
    options: {
        doNotFollow: { path: 'node_modules' },
        tsPreCompilationDeps: true,
        tsConfig: { fileName: 'tsconfig.json' },
        enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
    },
};
