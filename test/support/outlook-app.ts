// Composes calbridge with the Outlook feature against an in-process emulator and a test database (no listen).
import { outlookFeatures, wireOutlook } from '../../src/main/features/outlook.js';
import { composeTestApp, type ComposedTestApp } from './connection-app.js';
import { startTestEmulator, type TestEmulator } from './microsoft.js';

export const PUBLIC_URL = 'http://127.0.0.1:3999';

export interface OutlookTestApp extends ComposedTestApp {
  t: TestEmulator;
  feature: NonNullable<ReturnType<typeof outlookFeatures.get>>;
}

export async function startOutlookApp(
  env: Record<string, string> = {},
  emulatorOpts: Parameters<typeof startTestEmulator>[0] = {},
): Promise<OutlookTestApp> {
  const t = await startTestEmulator(emulatorOpts);
  const composed = await composeTestApp(
    env,
    ({ container, config }) =>
      wireOutlook({
        container,
        config,
        emulator: { baseUrl: t.emu.baseUrl, caFile: t.emu.caFile, close: async () => {} },
        publicUrl: () => PUBLIC_URL,
      }),
    () => t.close(),
  );
  return { ...composed, t, feature: outlookFeatures.get(composed.container)! };
}
