// `calbridge emulator [--provider microsoft|google]`: runs the Microsoft 365 emulator (same as `npm run emulator`) or
// the Google Calendar emulator (`npm run emulator:google`) in the foreground. Development and tests only.
export async function runEmulatorCommand(o: Record<string, string | boolean | undefined>): Promise<void> {
  const args: string[] = [];
  for (const [k, v] of Object.entries(o)) {
    if (k === 'provider' || v === undefined || v === false) continue;
    // Options only the Microsoft emulator has.
    if (o.provider === 'google' && (k === 'scale' || k === 'allowHttpNotifications')) continue;
    const flag = `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    args.push(...(v === true ? [flag] : [flag, String(v)]));
  }
  if (o.provider === 'google') {
    const { runGoogleEmulatorCli } = await import('../../emulator/google/main.js');
    await runGoogleEmulatorCli(args);
    return;
  }
  const { runEmulatorCli } = await import('../../emulator/microsoft/main.js');
  await runEmulatorCli(args);
}
