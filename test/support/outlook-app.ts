// calbridge (createRuntime) against an in-process Microsoft emulator, as the dev wiring bundles it, on a test database.
import type { OutlookWiring } from '../../src/main/wiring/outlook.js';
import { composeTestApp, type ComposedTestApp } from './connection-app.js';
import { startTestEmulator, type TestEmulator } from './microsoft.js';

export const PUBLIC_URL = 'http://127.0.0.1:3999';

export interface OutlookTestApp extends ComposedTestApp {
  t: TestEmulator;
  feature: OutlookWiring;
}

export async function startOutlookApp(
  env: Record<string, string> = {},
  emulatorOpts: Parameters<typeof startTestEmulator>[0] = {},
): Promise<OutlookTestApp> {
  const t = await startTestEmulator(emulatorOpts);
  const composed = await composeTestApp(
    env,
    {
      dev: {
        emulators: { microsoft: { baseUrl: t.emu.baseUrl, caFile: t.emu.caFile }, google: null },
        demo: null,
        close: async () => undefined,
      },
      publicUrl: () => PUBLIC_URL,
    },
    () => t.close(),
  );
  return { ...composed, t, feature: composed.runtime.outlook };
}
