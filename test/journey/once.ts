// The journeys start their own databases (a fresh PGlite data dir, a fresh schema on the server), so DATABASE_URL
// changes nothing for them: they run in the suite's pass without it, once, and skip with one line in the other.
export const journeysRunHere = !process.env.DATABASE_URL;
if (!journeysRunHere)
  console.warn('*** SKIPPED journey tests in this pass: they run in the pass without DATABASE_URL (npm test)');
