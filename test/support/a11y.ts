// Accessibility checks with axe-core (WCAG 2.0/2.1 A and AA rules) on a page in Chromium. A page passes when axe
// reports no violation at all, whatever its impact (minor and moderate included).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/** axe's violations on the page as it is now. */
export async function violations(page: Page): Promise<AxeViolation[]> {
  // evaluated through the DevTools protocol: the app's Content-Security-Policy (script-src 'self') refuses inline tags
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (o: unknown) => Promise<{ violations: unknown[] }> } }).axe;
    const r = await axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations as AxeViolation[];
  });
}

/** Fails on any violation, naming each rule, its impact and where. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const found = await violations(page);
  const text = (v: AxeViolation) =>
    `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`;
  expect(found.map(text), what).toEqual([]);
}
