// ESLint (decision 0007): the recommended rules of ESLint, typescript-eslint and eslint-plugin-vue,
// with formatting left to Prettier (npm run lint runs both), plus the project's own guards:
// no HTML built from data by hand (innerHTML / v-html / MapLibre's setHTML), no module-level
// mutable state in the server code.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';
import globals from 'globals';

const noRawHtml = [
  {
    selector: 'AssignmentExpression[left.property.name=/^(innerHTML|outerHTML)$/]',
    message: 'Build DOM nodes or escape with escapeHtml() (web/src/html.ts); never assign HTML made from data.',
  },
  {
    selector: "CallExpression[callee.property.name='setHTML']",
    message: 'Use setDOMContent() or setText() on map popups; setHTML with data is an XSS hole.',
  },
  {
    selector: "CallExpression[callee.property.name='insertAdjacentHTML']",
    message: 'Build DOM nodes instead of inserting HTML strings.',
  },
];

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', 'data/**', 'test-artifacts/**', 'web/src/api/openapi.d.ts', '**/*.d.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/essential'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-syntax': ['error', ...noRawHtml],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'prefer-const': 'error',
      'no-var': 'error',
      'no-irregular-whitespace': ['error', { skipStrings: true, skipTemplates: true, skipComments: true, skipRegExps: true }], // 全角空格 in Chinese text is deliberate
      'no-undef': 'off', // TypeScript checks names (typescript-eslint's advice)
    },
  },
  {
    files: ['web/**/*.ts', 'web/**/*.vue'],
    languageOptions: { globals: { ...globals.browser } },
    rules: { 'vue/no-v-html': 'error', 'vue/multi-word-component-names': 'off' },
  },
  {
    // Tests may reach into internals and build odd inputs on purpose.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
