// Lint TypeScript sources with the recommended typescript-eslint rules.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'reports/runs/**', 'test-artifacts/**', 'reports/vendor/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // plain CommonJS for Node (a fixture server of "another project")
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', process: 'readonly', __filename: 'readonly', Buffer: 'readonly', setInterval: 'readonly', setTimeout: 'readonly', console: 'readonly' } }, rules: { '@typescript-eslint/no-require-imports': 'off' } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
);
