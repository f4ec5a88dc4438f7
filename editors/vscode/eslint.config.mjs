// Lint the TypeScript sources and tests with the type-aware rules, which
// catch floating promises: a command or event handler whose failure would
// otherwise vanish.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/', 'node_modules/', 'e2e/out/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // node:test's test() and describe() return promises the runner awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe'] }] },
      ],
      eqeqeq: 'error',
    },
  },
  { files: ['**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  // The real-editor test runs on node, outside the extension's tsconfig.
  { files: ['e2e/**/*.mjs'], languageOptions: { globals: { process: 'readonly', console: 'readonly' } } },
);
