// Moved: the ports of detection, metrics, the health webhook and briefs live in src/ports/detection.ts. This re-export
// serves the importers not moved yet (the composition root in src/main, services/metrics/deliveries.ts); delete it
// when nothing imports it.
export type * from '../../ports/detection.js';
