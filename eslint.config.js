import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
    { ignores: ['dist/', 'storage/', 'node_modules/', 'coverage/'] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
        rules: {
            '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
            'no-console': ['error', { allow: ['warn', 'error'] }],
            eqeqeq: ['error', 'always'],
        },
    },
    {
        // Tool configuration in CommonJS (dependency-cruiser reads .cjs).
        files: ['**/*.cjs'],
        languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
    },
    {
        // Scripts for humans (demo, auth helper, emulator CLI) print to the terminal on purpose.
        files: ['test/demo.ts', 'test/emulator/cli.ts', 'src/auth/**/*.ts', 'test/bench/**/*.ts'],
        rules: { 'no-console': 'off' },
    },
);
