// A migrated template of the embedded database's data folder (issue 20). A fresh folder costs PGlite's initdb (about
// 3.5 s of CPU in WebAssembly) and every migration (about 1.2 s); both give the same files on every install of the
// same PGlite and the same migrations. So the first fresh folder that is migrated on an install is copied, right
// after its migrations and before anything else writes to it, into a template keyed by (PGlite version, migration
// set), and every later fresh folder is a copy of that template: a file copy of about 40 MB instead of initdb +
// migrations. ADR 0026.
//
// Rules: a folder that exists with anything in it is never touched (only a missing or empty one is made from the
// template); a template is written beside its place and renamed into place whole, with a marker naming its key, file
// count and bytes written last, so a half-written or damaged template (missing marker, other key, a file missing or
// of another size) is ignored and the folder is made the ordinary way; a copy is likewise made beside the folder and
// renamed into place, so starts at once never see half a folder. A new or changed migration changes the key.
import { createHash, randomBytes } from 'node:crypto';
import {
  constants as fsConstants,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { Migration } from 'kysely';
import { MIGRATIONS } from './migrations/index.js';

const MARKER = 'calbridge-template.json';
/** Bumped when the template's layout or the way it is made changes. */
const TEMPLATE_FORMAT = 1;

interface Marker {
  key: string;
  files: number;
  bytes: number;
}

let pgliteVersionMemo: string | undefined;

/** The installed PGlite's version, from its package.json (its exports do not name it). */
function pgliteVersion(): string {
  if (pgliteVersionMemo !== undefined) return pgliteVersionMemo;
  let dir = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@electric-sql/pglite') return (pgliteVersionMemo = String(pkg.version));
    } catch {
      // not this folder
    }
    dir = dirname(dir);
  }
  return (pgliteVersionMemo = 'unknown');
}

/**
 * The template's key: the template format, PGlite's version and every migration's name and code (a new migration, or
 * a changed one in a checkout, gives a new key).
 */
export function templateKey(migrations: Record<string, Migration> = MIGRATIONS): string {
  const h = createHash('sha256').update(`calbridge-pgdata ${TEMPLATE_FORMAT} pglite ${pgliteVersion()}\n`);
  for (const name of Object.keys(migrations).sort()) {
    const m = migrations[name]!;
    h.update(`${name}\n${m.up.toString()}\n${m.down?.toString() ?? ''}\n`);
  }
  return h.digest('hex').slice(0, 24);
}

/**
 * Where templates are kept when not configured: `node_modules/.cache/calbridge-pgdata/` of the node_modules that holds
 * PGlite (null when there is none, e.g. a bundled install).
 */
export function defaultTemplateRoot(): string | null {
  try {
    const p = createRequire(import.meta.url).resolve('@electric-sql/pglite');
    const i = p.lastIndexOf(`${sep}node_modules${sep}`);
    return i < 0 ? null : join(p.slice(0, i), 'node_modules', '.cache', 'calbridge-pgdata');
  } catch {
    return null;
  }
}

/**
 * The template folder of a setting (config.pgTemplateDir, `default` when unset): `default` → under
 * node_modules/.cache/, a path → that folder, null or `off` → none.
 */
export const templateRootOf = (setting: string | null): string | null =>
  setting === null || setting === 'off' ? null : setting === 'default' ? defaultTemplateRoot() : setting;

/** Files and bytes below `dir` (the marker left out). */
function tally(dir: string, rel = ''): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
    const p = join(rel, e.name);
    if (e.isDirectory()) {
      const t = tally(dir, p);
      files += t.files;
      bytes += t.bytes;
    } else if (p !== MARKER) {
      files++;
      bytes += statSync(join(dir, p)).size;
    }
  }
  return { files, bytes };
}

/** Copies `from` into a new folder `to`, file by file (the marker left out); its files and bytes. */
function copyTree(from: string, to: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  mkdirSync(to, { recursive: true, mode: 0o700 });
  for (const e of readdirSync(from, { withFileTypes: true })) {
    if (e.name === MARKER) continue;
    const src = join(from, e.name);
    const dst = join(to, e.name);
    if (e.isDirectory()) {
      const t = copyTree(src, dst);
      files += t.files;
      bytes += t.bytes;
    } else if (e.isFile()) {
      copyFileSync(src, dst, fsConstants.COPYFILE_FICLONE); // a reflink where the file system has them
      files++;
      bytes += statSync(dst).size;
    }
  }
  return { files, bytes };
}

/**
 * {@link copyTree} on libuv's thread pool: the folders first, then the files a few at a time, so the calling thread
 * goes on (the serve path loads its modules and starts the emulators meanwhile).
 */
async function copyTreeAsync(from: string, to: string): Promise<{ files: number; bytes: number }> {
  const files: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    await mkdir(join(to, rel), { recursive: true, mode: 0o700 });
    for (const e of await readdir(join(from, rel), { withFileTypes: true })) {
      const p = join(rel, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() && p !== MARKER) files.push(p);
    }
  };
  await walk('');
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const p = files[next++]!;
      await copyFile(join(from, p), join(to, p), fsConstants.COPYFILE_FICLONE);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return tally(to);
}

const isEmptyOrMissing = (dir: string): boolean => {
  try {
    return readdirSync(dir).length === 0;
  } catch {
    return !existsSync(dir);
  }
};

function readMarker(dir: string): Marker | null {
  try {
    const m = JSON.parse(readFileSync(join(dir, MARKER), 'utf8')) as Partial<Marker>;
    if (typeof m.key !== 'string' || typeof m.files !== 'number' || typeof m.bytes !== 'number') return null;
    return { key: m.key, files: m.files, bytes: m.bytes };
  } catch {
    return null;
  }
}

/** The template to copy into `dataDir` and the folder to copy it into first, or null when none is usable. */
function copyPlan(
  dataDir: string,
  root: string | null,
  key: string,
): { template: string; marker: Marker; tmp: string } | null {
  if (!root || !isEmptyOrMissing(dataDir)) return null;
  const template = join(root, key);
  const marker = readMarker(template);
  if (!marker || marker.key !== key || !existsSync(join(template, 'PG_VERSION'))) return null;
  mkdirSync(dirname(dataDir), { recursive: true });
  return { template, marker, tmp: `${dataDir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}` };
}

/** Moves a whole copy into place as `dataDir` (true), or removes a partial one (false). */
function finishCopy(
  plan: { marker: Marker; tmp: string },
  copied: { files: number; bytes: number },
  dataDir: string,
): boolean {
  if (copied.files !== plan.marker.files || copied.bytes !== plan.marker.bytes) {
    rmSync(plan.tmp, { recursive: true, force: true });
    return false;
  }
  if (existsSync(dataDir)) rmdirSync(dataDir); // empty (checked above); fails if another start filled it meanwhile
  renameSync(plan.tmp, dataDir);
  return true;
}

/**
 * Makes the data folder `dataDir` a copy of the template for `key` when the folder is missing or empty and a whole
 * template is there. True when it did; false otherwise (the folder is then as it was: made the ordinary way).
 */
export function copyFromTemplate(dataDir: string, root: string | null, key: string = templateKey()): boolean {
  let plan: ReturnType<typeof copyPlan> = null;
  try {
    plan = copyPlan(dataDir, root, key);
    return plan !== null && finishCopy(plan, copyTree(plan.template, plan.tmp), dataDir);
  } catch {
    if (plan) rmSync(plan.tmp, { recursive: true, force: true });
    return false;
  }
}

/** {@link copyFromTemplate} with the files copied on libuv's thread pool. */
export async function copyFromTemplateAsync(
  dataDir: string,
  root: string | null,
  key: string = templateKey(),
): Promise<boolean> {
  let plan: ReturnType<typeof copyPlan> = null;
  try {
    plan = copyPlan(dataDir, root, key);
    return plan !== null && finishCopy(plan, await copyTreeAsync(plan.template, plan.tmp), dataDir);
  } catch {
    if (plan) rmSync(plan.tmp, { recursive: true, force: true });
    return false;
  }
}

/**
 * Keeps the open, just-migrated embedded database in `dataDir` as the template for `key`, unless one is there. Called
 * before anything but the migrations has written to it. A checkpoint first writes every page to the files; the copy
 * is synchronous, so no statement runs during it (PGlite runs on this thread). Failures are swallowed: a template
 * only saves time. The two newest other templates are kept (another checkout's), older ones removed.
 * @returns whether a template was written.
 */
export async function saveTemplate(
  pglite: PGlite,
  dataDir: string,
  root: string | null,
  key: string = templateKey(),
): Promise<boolean> {
  if (!root) return false;
  const template = join(root, key);
  if (readMarker(template)?.key === key) return false;
  const tmp = `${template}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await pglite.exec('CHECKPOINT');
    const copied = copyTree(dataDir, tmp);
    writeFileSync(join(tmp, MARKER), `${JSON.stringify({ key, ...copied } satisfies Marker)}\n`);
    try {
      renameSync(tmp, template);
    } catch (e) {
      if (readMarker(template)?.key === key) throw e; // another start saved it first: keep theirs
      rmSync(template, { recursive: true, force: true }); // a damaged one
      renameSync(tmp, template);
    }
  } catch {
    rmSync(tmp, { recursive: true, force: true });
    return false;
  }
  prune(root, key);
  return true;
}

function prune(root: string, keep: string): void {
  try {
    const others = readdirSync(root)
      .filter((n) => n !== keep)
      .map((n) => ({ p: join(root, n), t: statSync(join(root, n)).mtimeMs, tmp: n.includes('.tmp-') }))
      .sort((a, b) => b.t - a.t);
    const stale = Date.now() - 3_600_000;
    for (const o of others.filter((o) => o.tmp && o.t < stale)) rmSync(o.p, { recursive: true, force: true });
    for (const o of others.filter((o) => !o.tmp).slice(2)) rmSync(o.p, { recursive: true, force: true });
  } catch {
    // another process pruning at the same time
  }
}

/** For tests: whether `dir` holds a whole template for `key`. */
export function hasTemplate(root: string, key: string = templateKey()): boolean {
  const template = join(root, key);
  const m = readMarker(template);
  if (!m || m.key !== key) return false;
  const t = tally(template);
  return t.files === m.files && t.bytes === m.bytes;
}
