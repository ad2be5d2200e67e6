// Layer rules (docs/adr/0013-layer-rules-with-dependency-cruiser.md): domain ← ports ← services ← (http, cli);
// providers and stores are adapters; the emulator stands alone. `npm run lint:layers` checks them; errors fail lint.

/** Unit tests and test-only helpers beside the code: exempt from the layer rules (not from the cycle rule). */
const TEST = '\\.(test|test-data|case)\\.ts$';

/** Vendor packages that belong to adapters: ORM and databases, job queue, web framework, provider SDKs. */
const VENDOR =
  '^node_modules/(kysely|pg|pg-boss|@electric-sql|fastify|@fastify|@microsoft|googleapis|@googleapis|google-auth-library|@azure|undici)/';

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment:
        'src/domain imports nothing outside src/domain: no other layer, no node built-ins. Three pure ' +
        'calculation libraries (luxon for time zones, rrule for recurrence, re2js for safe patterns) are allowed.',
      from: { path: '^src/domain/', pathNot: TEST },
      to: { pathNot: ['^src/domain/', '^node_modules/(luxon|rrule|re2js)/'] },
    },
    {
      name: 'ports-speak-domain',
      severity: 'error',
      comment:
        'src/ports declares interfaces in domain terms: it imports src/domain and other ports only, no packages.',
      from: { path: '^src/ports/', pathNot: TEST },
      to: { pathNot: ['^src/(domain|ports)/'] },
    },
    {
      name: 'services-use-ports',
      severity: 'error',
      comment:
        'src/services imports domain, ports and services only: never an adapter (providers, stores, jobs), ' +
        'http, config, main or cli. Declare the port in src/ports and let the composition root pass the adapter.',
      from: { path: '^src/services/', pathNot: TEST },
      to: { path: '^src/', pathNot: '^src/(domain|ports|services)/' },
    },
    {
      name: 'core-without-vendor-packages',
      severity: 'error',
      comment: 'domain, ports and services never import an adapter vendor package (ORM, database, Fastify, SDKs).',
      from: { path: '^src/(domain|ports|services)/', pathNot: TEST },
      to: { path: VENDOR },
    },
    {
      name: 'providers-are-adapters',
      severity: 'error',
      comment:
        'A provider translates between a calendar API and the CalendarProvider port: it imports domain and ports, ' +
        'never stores, services, http, jobs, config, main or cli.',
      from: { path: '^src/providers/', pathNot: TEST },
      to: { path: '^src/(stores|services|http|jobs|config|main|cli)/' },
    },
    {
      name: 'routes-are-thin',
      severity: 'error',
      comment:
        'src/http/routes declare schema and auth and call a service: they import services, domain, ports and ' +
        'http helpers, never stores, providers, jobs, config, main or cli.',
      from: { path: '^src/http/routes/', pathNot: TEST },
      to: { path: '^src/', pathNot: '^src/(domain|ports|services|http)/' },
    },
    {
      name: 'stores-are-adapters',
      severity: 'error',
      comment:
        'A store implements a port over the database: it imports domain and ports, never services, http, ' +
        'providers, jobs, main or cli (a port a store implements lives in src/ports).',
      from: { path: '^src/stores/', pathNot: TEST },
      to: { path: '^src/(services|http|providers|jobs|main|cli)/' },
    },
    {
      name: 'emulator-stands-alone',
      severity: 'error',
      comment: 'The emulator models the providers, not our mapping: nothing under emulator/ imports from src/.',
      from: { path: '^emulator/' },
      to: { path: '^src/' },
    },
    {
      name: 'emulator-only-in-dev-wiring',
      severity: 'error',
      comment:
        'Production code never reaches the emulator: only the dev-only wiring in src/main/dev/ (and tests) may ' +
        'import emulator/.',
      from: { path: '^src/', pathNot: ['^src/main/dev/', TEST] },
      to: { path: '^emulator/' },
    },
    {
      name: 'dev-wiring-only-for-dev-starts',
      severity: 'error',
      comment:
        'src/main/dev/ (bundled emulators, demo tenant, Vite build) is loaded only where a development start or the ' +
        'emulator command decides to: the serve and emulator commands. The runtime and a production start never ' +
        'import it.',
      from: { path: '^src/', pathNot: ['^src/main/dev/', '^src/cli/(serve|emulator)\\.ts$', TEST] },
      to: { path: '^src/main/dev/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'No import cycles, type-only imports included (tsPreCompilationDeps): a cycle means a type sits in the ' +
        'wrong layer; move it inward (usually to src/ports or src/domain).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import the checker cannot resolve escapes every rule above; make it resolvable.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: '^node_modules/' },
    // Type-only imports are dependencies too: a type in the wrong layer couples the layers as much as a value.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      // 'types' resolves type-only packages such as @microsoft/microsoft-graph-types.
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
