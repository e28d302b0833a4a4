import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshotPath, useTestPage } from '@doitcrm/kit/testing';
import { SERVICES } from '@doitcrm/types';
import { createEtlApp } from '../src/app.ts';
import { etlConfigShape } from '../src/config.ts';

// The bar comes from the shared shell (packages/ui AppShell.vue); the ETL page is the lightest page that shows it.
const t = useTestPage('etl', etlConfigShape, createEtlApp);

// every service of the catalogue is deployed now; AppShell still greys out one marked `planned` (no link, 规划中)
const ready = SERVICES.filter((service) => service.status === 'ready');

/** The ports of the suite's services that some link on the page (shown or not) leads to. */
async function linkedServicePorts(page: Page): Promise<number[]> {
  const ports = new Set<number>(SERVICES.map((service) => service.port));
  const hrefs = await page.locator('a[href]').evaluateAll((links) => links.map((link) => (link as HTMLAnchorElement).href));
  return [...new Set(hrefs.map((href) => Number(new URL(href).port)))].filter((port) => ports.has(port)).sort((a, b) => a - b);
}

describe('service navigation in Chromium', () => {
  it('when the bar lists the services, then every ready one links to its port, and the bar fits the narrowest desktop', async () => {
    expect(ready.length).toBe(SERVICES.length);
    const page = await t.browser.newPage({ viewport: { width: 1366, height: 800 } });

    await t.logIn(page);
    await page.getByRole('heading', { name: '聊天归档导入' }).waitFor();
    const nav = page.getByRole('navigation', { name: '服务导航' });

    for (const service of ready) {
      expect(await nav.getByRole('link', { name: service.title, exact: true }).getAttribute('href')).toBe(`http://127.0.0.1:${service.port}/`);
    }
    expect(await linkedServicePorts(page)).toEqual(ready.map((service) => service.port).sort((a, b) => a - b));
    await page.screenshot({ path: screenshotPath('nav-desktop.png') });

    // the narrowest window that still shows the full bar (AppShell.vue switches to the menu below 1240 px): the tags
    // must not push the user menu off the screen
    await page.setViewportSize({ width: 1240, height: 800 });
    const userBox = await page.getByRole('button', { name: '当前用户' }).boundingBox();
    expect(await nav.isVisible()).toBe(true);
    expect(userBox!.x + userBox!.width).toBeLessThanOrEqual(1240);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1240);
    await page.screenshot({ path: screenshotPath('nav-narrowest-desktop.png') });
    await page.close();
  });

  it('when a phone opens the service menu, then every ready service is a link to its port', async () => {
    const page = await t.browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

    await t.logIn(page);
    await page.getByRole('heading', { name: '聊天归档导入' }).waitFor();
    expect(await page.getByRole('navigation', { name: '服务导航' }).isVisible()).toBe(false);
    await page.getByRole('button', { name: '切换服务' }).click();
    const menu = page.getByRole('menu');
    await menu.waitFor();

    for (const service of ready) {
      expect(await menu.getByRole('link', { name: service.title, exact: true }).getAttribute('href')).toBe(`http://127.0.0.1:${service.port}/`);
    }
    expect(await linkedServicePorts(page)).toEqual(ready.map((service) => service.port).sort((a, b) => a - b));
    await page.screenshot({ path: screenshotPath('nav-phone.png') });
    await page.close();
  });
});
