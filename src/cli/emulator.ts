// `calbridge emulator`: runs the Microsoft 365 emulator in the foreground (same as `npm run emulator`).
export async function runEmulatorCommand(o: Record<string, string | boolean | undefined>): Promise<void> {
  const args: string[] = [];
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined || v === false) continue;
    const flag = `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    args.push(...(v === true ? [flag] : [flag, String(v)]));
  }
  const { runEmulatorCli } = await import('../../emulator/microsoft/main.js');
  await runEmulatorCli(args);
}
