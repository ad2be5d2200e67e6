// How a command prints its result: one JSON object with --json, else readable lines.

/** Prints a result: `human` as a line, or `json` as one JSON object with --json. */
export type Out = (human: string, json: Record<string, unknown>) => void;

export function makeOut(json: boolean): Out {
  return (human, obj) => process.stdout.write(json ? JSON.stringify(obj) + '\n' : human + '\n');
}
