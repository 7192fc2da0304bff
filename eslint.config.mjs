// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/** The folders of src/ and the root files that wire them together (app.module.ts, …). */
const FOLDERS = [
  'config',
  'common',
  'auth',
  'database',
  'lifecycle',
  'sessions',
  'gateway',
  'health',
  'agent',
];
const WIRING = ['app.module', 'app.setup', 'main', 'entities'];
const everythingBut = (folder) => [...FOLDERS.filter((other) => other !== folder), ...WIRING];

/**
 * Which way the imports between the folders of src/ may point (docs/architecture.md). `forbid`:
 * paths below src/ a folder must not import; `allow`: exact paths exempted from them; `viaIndex`:
 * features it may import through their index.ts only; `packages`: npm packages it must not use.
 */
const BOUNDARIES = [
  {
    folder: 'config',
    reason: 'config is a leaf: it imports nothing else from src/',
    forbid: everythingBut('config'),
  },
  {
    folder: 'common',
    reason: 'common is a leaf: it imports nothing else from src/',
    forbid: everythingBut('common'),
    // The one exception: the type of the configuration (the filter and the logger read it).
    allow: ['config/app-config'],
  },
  {
    folder: 'auth',
    reason: 'auth verifies who is calling and knows no feature, no database, no lifecycle',
    forbid: ['database', 'lifecycle', 'sessions', 'gateway', 'health', 'agent', ...WIRING],
  },
  {
    folder: 'database',
    reason: 'database is generic infrastructure: it knows no feature',
    forbid: ['auth', 'sessions', 'gateway', 'health', 'agent', ...WIRING],
  },
  {
    folder: 'lifecycle',
    ignores: ['src/lifecycle/startup/**'],
    reason: 'lifecycle knows no feature and no database (only lifecycle/startup opens it)',
    forbid: ['auth', 'database', 'sessions', 'gateway', 'health', 'agent', ...WIRING],
  },
  {
    folder: 'lifecycle/startup',
    reason: 'startup opens the database and creates the app, and imports no feature directly',
    forbid: ['auth', 'sessions', 'gateway', 'health', 'agent'],
  },
  {
    folder: 'sessions',
    reason: 'sessions knows no transport and no other feature',
    forbid: ['gateway', 'health', 'agent', 'lifecycle', ...WIRING],
    viaIndex: ['auth'],
    packages: ['socket.io', '@nestjs/websockets', '@nestjs/platform-socket.io', 'express'],
  },
  {
    folder: 'gateway',
    reason: 'the gateway carries what sessions and the assistant publish, and owns no data',
    forbid: ['database', 'health', ...WIRING],
    viaIndex: ['auth', 'sessions', 'agent'],
  },
  {
    folder: 'agent',
    reason: 'the assistant owns its runs, uses sessions through its index, and knows no transport',
    forbid: ['gateway', 'health', ...WIRING],
    viaIndex: ['auth', 'sessions'],
    packages: ['socket.io', '@nestjs/websockets', '@nestjs/platform-socket.io', 'express'],
  },
  {
    folder: 'health',
    reason: 'health imports no other feature, and reads Postgres errors from common',
    forbid: ['gateway', 'database/connect-with-retry', ...WIRING],
    viaIndex: ['auth', 'sessions', 'agent'],
  },
];

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const oneOf = (paths) => `(?:${paths.map(escape).join('|')})`;

/**
 * no-restricted-imports sees an import as written, not the file it resolves to, so each boundary
 * is stated once per depth: from a file `levels` folders below src/, src/ is `../` × levels (or
 * `src/`, through tsconfig's baseUrl).
 */
function boundaryRules(
  { folder, reason, forbid, allow = [], viaIndex = [], packages = [] },
  levels,
) {
  const src = `^(?:(?:\\.\\./){${levels}}|src/)`;
  const message = `${reason} (docs/architecture.md).`;
  const exempt = allow.length > 0 ? `(?!${oneOf(allow)}$)` : '';
  const patterns = [{ regex: `${src}${exempt}${oneOf(forbid)}(?:/|$)`, message }];
  if (viaIndex.length > 0) {
    patterns.push({
      regex: `${src}${oneOf(viaIndex)}/(?!index$)`,
      message: `${folder} imports another feature through its index only, e.g. '../sessions' (docs/architecture.md).`,
    });
  }
  if (packages.length > 0) {
    patterns.push({ regex: `^${oneOf(packages)}(?:/|$)`, message });
  }
  return { 'no-restricted-imports': ['error', { patterns }] };
}

/** One config block per folder and depth (the folder itself and up to 4 levels of subfolders). */
const boundaryBlocks = BOUNDARIES.flatMap((boundary) =>
  [0, 1, 2, 3, 4].map((below) => ({
    files: [`src/${boundary.folder}/${'*/'.repeat(below)}*.ts`],
    ignores: boundary.ignores ?? [],
    rules: boundaryRules(boundary, boundary.folder.split('/').length + below),
  })),
);

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'dist-*/**',
      'node_modules/**',
      'coverage/**',
      '.data/**',
      'eslint.config.mjs',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  prettier,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: 'error',
      curly: 'error',
      'no-console': 'error',
    },
  },
  {
    files: ['test/**/*.ts', 'src/**/*.spec.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      // supertest bodies are `any` by design; asserting on them is the point of a test.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/unbound-method': 'off',
      'no-console': 'off',
    },
  },
  ...boundaryBlocks,
);
