// ESLint flat config: typescript-eslint for the core, server and scripts; Salesforce's LWC rules for
// the Lightning web components under force-app/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import lwcConfig from '@salesforce/eslint-config-lwc';

export default [
  {
    ignores: [
      '**/node_modules/**',
      'shared/src/generated/**',
      'server/src/store/generated/**',
      'server/migrations/**',
      'data/**',
      '**/out/**',
      '**/dist/**',
      'hubspot-app/schema/**',
      'dynamics-app/schema/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.js'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Tests edit parsed JSON of arbitrary shape.
      '@typescript-eslint/no-explicit-any': 'off',
      'no-restricted-properties': [
        'error',
        { property: 'innerHTML', message: 'Never write HTML from strings: build nodes or use the template.' },
      ],
    },
  },
  ...lwcConfig.configs.recommended.map((config) => ({ ...config, files: ['force-app/**/lwc/**/*.js'] })),
];
