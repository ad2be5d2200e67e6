// Moved: the ports of detection, metrics, the health webhook and briefs live in src/ports/detection.ts. This re-export
// serves src/main/wiring/detection.ts until the composition root imports src/ports/detection.js; delete it then.
export type { TenantSettingsSource } from '../../ports/detection.js';
