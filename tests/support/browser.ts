import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { totpCode } from './seed.js';

/** Debian's Chromium (installed by `.ci/run` when missing); CHROMIUM_PATH overrides. */
export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => Boolean(p));
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`Chromium not found (tried ${candidates.join(', ')}); install the chromium package or set CHROMIUM_PATH`);
  return found;
}

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'];

/** Launch headless Chromium with flags that work in containers and never reach the network by themselves. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: ARGS });
}

/** Log in through the login form like a person (with the authenticator code when asked: TEST_TOTP_SECRET), and wait for the inbox. */
export async function logIn(page: import('playwright-core').Page, base: string, email: string, password: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForURL((u) => u.pathname.startsWith('/inbox') || u.pathname === '/login/two-factor'), page.click('button[type=submit]')]);
  if (new URL(page.url()).pathname === '/login/two-factor') {
    await page.fill('input[name=code]', totpCode());
    await Promise.all([page.waitForURL(/\/inbox/), page.click('button[type=submit]')]);
  }
}

/** Wait until the page's live-update stream is connected. */
export async function liveUp(page: import('playwright-core').Page): Promise<void> {
  await page.waitForFunction("document.documentElement.dataset.live === 'up'");
}
