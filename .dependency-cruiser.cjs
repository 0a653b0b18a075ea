// The house rules from DESIGN.md's arrows, checked on every `npm run lint`.
// app → desks → (numbers, storage) → src-shared; the renderer sees main only
// through type-only imports of the IPC contract; src-shared runs in both
// processes (no Node built-ins, no Electron; tsconfig.shared.json keeps the
// DOM out); `electron` stays in the Electron shell and the preload.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle means two modules are one concept, or a type lives in the wrong room.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'renderer-only-renderer-and-shared',
      severity: 'error',
      comment: 'The renderer imports src-renderer, src-shared and npm packages; of main, only the IPC contract (and only its types, next rule).',
      from: { path: '^src-renderer/' },
      to: { path: '^src-main/', pathNot: '^src-main/ipc/contract\\.ts$' },
    },
    {
      name: 'renderer-contract-types-only',
      severity: 'error',
      comment: 'The contract carries zod schemas that belong to main: the renderer takes its types (import type), and shared words from src-shared.',
      from: { path: '^src-renderer/' },
      to: { path: '^src-main/ipc/contract\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'renderer-no-node',
      severity: 'error',
      comment: 'The renderer is a sandboxed web page: no Node built-ins.',
      from: { path: '^src-renderer/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'shared-stays-neutral',
      severity: 'error',
      comment: 'src-shared runs in both processes: it imports only itself and zod.',
      from: { path: '^src-shared/' },
      to: { pathNot: '^src-shared/|^node_modules/zod/' },
    },
    {
      name: 'nothing-imports-app',
      severity: 'error',
      comment: 'app/ is the composition root: it imports the rooms, never the other way round.',
      from: { path: '^src-', pathNot: '^src-main/app/' },
      to: { path: '^src-main/app/' },
    },
    {
      name: 'electron-only-in-shell-and-preload',
      severity: 'error',
      comment: 'Only the Electron shell (app/electron-*) and the preload touch Electron; everything else is plain Node behind ports.',
      from: { pathNot: '^src-main/app/electron-[^/]+\\.ts$|^src-main/preload/' },
      to: { path: '^node_modules/electron/' },
    },
    {
      name: 'electron-store-only-in-shell',
      severity: 'error',
      comment: 'electron-store imports electron: the Electron shell builds it and hands it to storage/ as a conf store (storage/settings-file.ts).',
      from: { pathNot: '^src-main/app/electron-[^/]+\\.ts$' },
      to: { path: '^node_modules/electron-store/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    moduleSystems: ['es6', 'cjs'],
  },
};
