import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { TEST_USER_PASSWORD } from './service-harness.ts';

// `||`, as npm test's own check (scripts/lib/system-prerequisites.mjs) reads it: an empty CHROMIUM_PATH means the default
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** The two screens every page is checked on: a laptop, and a phone held upright. */
export const VIEWPORTS = {
  desktop: { width: 1366, height: 900 },
  phone: { width: 390, height: 844 },
} as const;
/** For `describe.each`: the same checks once per screen, labelled. */
export const DESKTOP_AND_PHONE = [['desktop', VIEWPORTS.desktop], ['phone', VIEWPORTS.phone]] as const;

/** Debian's chromium, headless, with the flags this network needs (no background calls home). */
export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`page tests need Chromium at ${CHROMIUM_PATH}: run them through npm test, which installs it (or says how), or apt-get install chromium fonts-noto-cjk (or set CHROMIUM_PATH)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Where page tests leave screenshots for people to look at (ignored by git). */
export function screenshotPath(name: string): string {
  const dir = path.resolve(process.env.SCREENSHOT_DIR ?? 'test-results/screenshots');
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, name);
}

/** Opens `url` and signs in through the shared login form (what every page shows a signed-out visitor). */
export async function logInThroughForm(page: Page, url: string, username: string, password = TEST_USER_PASSWORD): Promise<void> {
  await page.goto(url);
  await page.getByPlaceholder('请输入用户名').fill(username);
  await page.getByPlaceholder('请输入密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
}
