import { describe, expect, it } from 'vitest';
import { DEBIAN_CHROMIUM, planAfterFailedInstall, planSystemSetup } from './prerequisites-plan.mjs';

const freshDebianAsRoot = {
  chromiumPath: DEBIAN_CHROMIUM,
  chromiumPathFromEnv: false,
  chromiumPresent: false,
  cjkFontsPresent: false,
  isRoot: true,
  hasAptGet: true,
  hasSudo: false,
};

describe('planSystemSetup', () => {
  it('when Chromium and the fonts are present, then it does nothing', () => {
    expect(planSystemSetup({ ...freshDebianAsRoot, chromiumPresent: true, cjkFontsPresent: true, isRoot: false })).toEqual({ action: 'none' });
  });

  it('when both are missing and we are root with apt-get, then it installs both after apt-get update, non-interactively', () => {
    const plan = planSystemSetup(freshDebianAsRoot);

    expect(plan).toMatchObject({
      action: 'install',
      packages: ['chromium', 'fonts-noto-cjk'],
      steps: [['apt-get', 'update', '-qq'], ['apt-get', 'install', '-y', '-qq', 'chromium', 'fonts-noto-cjk']],
    });
    expect(plan.action === 'install' && plan.why).toContain(`Chromium (${DEBIAN_CHROMIUM})`);
  });

  it('when only the fonts are missing, then only the fonts are installed', () => {
    const plan = planSystemSetup({ ...freshDebianAsRoot, chromiumPresent: true });

    expect(plan).toMatchObject({ action: 'install', packages: ['fonts-noto-cjk'] });
  });

  it('when Chromium is missing and we are not root but have sudo, then it stops with the sudo command', () => {
    const plan = planSystemSetup({ ...freshDebianAsRoot, cjkFontsPresent: true, isRoot: false, hasSudo: true });

    expect(plan).toMatchObject({ action: 'stop', fix: "sudo sh -c 'apt-get update && apt-get install -y chromium'" });
    expect(plan.action === 'stop' && plan.why).toContain('needs root');
  });

  it('when they are missing, we are not root and there is no sudo, then it stops with the su command', () => {
    const plan = planSystemSetup({ ...freshDebianAsRoot, isRoot: false });

    expect(plan).toMatchObject({ action: 'stop', fix: "su -c 'apt-get update && apt-get install -y chromium fonts-noto-cjk'" });
  });

  it('when there is no apt-get, then it stops and asks for a Chromium through CHROMIUM_PATH', () => {
    const plan = planSystemSetup({ ...freshDebianAsRoot, hasAptGet: false });

    expect(plan).toMatchObject({ action: 'stop', fix: 'CHROMIUM_PATH=/path/to/chromium npm test' });
    expect(plan.action === 'stop' && plan.why).toContain('no apt-get');
  });

  it('when only the fonts are missing and there is no apt-get, then the fix is a font install, not a Chromium path', () => {
    const plan = planSystemSetup({ ...freshDebianAsRoot, chromiumPresent: true, hasAptGet: false });

    expect(plan.action === 'stop' && plan.fix).toContain('noto-sans-cjk');
    expect(plan.action === 'stop' && plan.why).not.toContain('install Chromium');
  });

  it('when CHROMIUM_PATH names a path with no Chromium, then it installs nothing (that would not fill the path) and says so', () => {
    const plan = planSystemSetup({ ...freshDebianAsRoot, chromiumPath: '/opt/chromium/chrom', chromiumPathFromEnv: true });

    expect(plan).toMatchObject({ action: 'stop', fix: 'env -u CHROMIUM_PATH npm test' });
    expect(plan.action === 'stop' && plan.why).toContain('CHROMIUM_PATH=/opt/chromium/chrom');
  });
});

describe('planAfterFailedInstall', () => {
  it('when the install failed, then it stops with the apt-get command to run by hand and what failed', () => {
    const plan = planAfterFailedInstall(['chromium'], '`apt-get update -qq` exited with 100.');

    expect(plan).toEqual({ action: 'stop', why: 'installing chromium failed: `apt-get update -qq` exited with 100.', fix: 'apt-get update && apt-get install -y chromium' });
  });
});
