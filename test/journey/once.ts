// The journeys start their own databases (a fresh PGlite data dir, a fresh schema on the server), so DATABASE_URL
// changes nothing for them: they run in the suite's pass without it, once, and skip with one line in the other.
// `.ci/run` runs them in a step of their own (JOURNEY_TESTS=separate in its suite passes), alone on the machine:
// each starts several processes, and sharing two cores with the rest of the suite only makes them slower.
const separate = process.env.JOURNEY_TESTS === 'separate';
export const journeysRunHere = !process.env.DATABASE_URL && !separate;
if (!journeysRunHere)
  console.warn(
    separate
      ? '*** SKIPPED journey tests in this pass: .ci/run runs them in their own step (npx vitest run test/journey)'
      : '*** SKIPPED journey tests in this pass: they run in the pass without DATABASE_URL (npm test)',
  );
