/** Layer rules (docs/architecture.md, rule 1): imports point inward, and the core imports no npm package. */
module.exports = {
  forbidden: [
    {
      name: 'core-imports-no-package',
      comment: 'src/domain and src/application are plain TypeScript: no npm package.',
      severity: 'error',
      from: { path: '^src/(domain|application)/' },
      to: { dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'domain-imports-only-domain',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: '^src/(application|adapters|entrypoints|migrations)/' },
    },
    {
      name: 'application-imports-no-outer-layer',
      severity: 'error',
      from: { path: '^src/application/' },
      to: { path: '^src/(adapters|entrypoints|migrations)/' },
    },
    {
      name: 'adapters-import-no-entrypoint',
      severity: 'error',
      from: { path: '^src/adapters/' },
      to: { path: '^src/entrypoints/' },
    },
    {
      name: 'migrations-import-no-application-code',
      comment: 'Kysely: migrations never import application code.',
      severity: 'error',
      from: { path: '^src/migrations/' },
      to: { path: '^src/(domain|application|adapters|entrypoints)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
  },
};
