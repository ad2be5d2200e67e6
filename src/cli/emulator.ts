// `calbridge emulator [--provider microsoft|google]`: runs the Microsoft 365 emulator (same as `npm run emulator`) or
// the Google Calendar emulator (`npm run emulator:google`) in the foreground. Development and tests only.
export async function runEmulatorCommand(o: Record<string, string | boolean | undefined>): Promise<void> {
  const args: string[] = [];
  for (const [k, v] of Object.entries(o)) {
    if (k === 'provider' || v === undefined || v === false) continue;
    // Options only the Microsoft emulator has.
    if (o.provider === 'google' && k === 'scale') continue;
    const flag = `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    args.push(...(v === true ? [flag] : [flag, String(v)]));
  }
  const { runBundledEmulatorCli } = await import('../main/dev/emulator-cli.js');
  await runBundledEmulatorCli(o.provider === 'google' ? 'google' : 'microsoft', args);
}
