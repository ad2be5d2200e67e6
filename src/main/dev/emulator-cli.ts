// `calbridge emulator`'s entry into the bundled emulators (development and tests only; dev wiring).
export async function runBundledEmulatorCli(provider: 'microsoft' | 'google', args: string[]): Promise<void> {
  if (provider === 'google') {
    const { runGoogleEmulatorCli } = await import('../../../emulator/google/main.js');
    await runGoogleEmulatorCli(args);
    return;
  }
  const { runEmulatorCli } = await import('../../../emulator/microsoft/main.js');
  await runEmulatorCli(args);
}
