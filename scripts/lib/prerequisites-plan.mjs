// What `npm test` has to do about the system packages the page tests need, decided from facts alone (no I/O), so
// every case is unit-tested: install them when it can, otherwise stop at once with the one command that fixes it.

/** Where the page tests look for Chromium unless CHROMIUM_PATH says otherwise (packages/kit/src/testing/browser.ts). */
export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/**
 * @typedef {object} SystemFacts
 * @property {string} chromiumPath where the page tests will look for Chromium
 * @property {boolean} chromiumPathFromEnv whether CHROMIUM_PATH chose that path (an install cannot fill it then)
 * @property {boolean} chromiumPresent
 * @property {boolean} cjkFontsPresent without them every Chinese character in a screenshot is a box
 * @property {boolean} isRoot
 * @property {boolean} hasAptGet
 * @property {boolean} hasSudo
 */

/**
 * @typedef {{ action: 'none' }
 *   | { action: 'install', packages: string[], why: string, steps: string[][] }
 *   | { action: 'stop', why: string, fix: string }} SetupPlan
 */

/** @param {string[]} packages */
export const aptInstallCommand = (packages) => `apt-get update && apt-get install -y ${packages.join(' ')}`;

/**
 * @param {SystemFacts} facts
 * @returns {SetupPlan}
 */
export function planSystemSetup(facts) {
  if (!facts.chromiumPresent && facts.chromiumPathFromEnv && facts.chromiumPath !== DEBIAN_CHROMIUM) {
    // installing Debian's package would not put anything at a path the user chose (most likely a typo); without
    // CHROMIUM_PATH the tests use Debian's, which npm test can install
    return {
      action: 'stop',
      why: `CHROMIUM_PATH=${facts.chromiumPath}, but there is no Chromium there.`,
      fix: 'env -u CHROMIUM_PATH npm test',
    };
  }
  const missing = [
    ...(facts.chromiumPresent ? [] : [{ what: `Chromium (${facts.chromiumPath})`, pkg: 'chromium' }]),
    ...(facts.cjkFontsPresent ? [] : [{ what: 'Chinese fonts', pkg: 'fonts-noto-cjk' }]),
  ];
  if (missing.length === 0) return { action: 'none' };
  const packages = missing.map((item) => item.pkg);
  const why = `the page tests drive Chromium and read Chinese text; missing: ${missing.map((item) => item.what).join(', ')}`;
  if (!facts.hasAptGet) {
    // no package manager we know the names for: say what to install, and how to point the tests at a Chromium
    const chromiumMissing = !facts.chromiumPresent;
    return {
      action: 'stop',
      why: `${why}. This system has no apt-get, so npm test cannot install them itself: install ${chromiumMissing ? 'Chromium and ' : ''}a Noto Sans CJK font with its package manager${chromiumMissing ? ', then tell the tests where Chromium is' : ''}.`,
      fix: chromiumMissing ? 'CHROMIUM_PATH=/path/to/chromium npm test' : 'dnf install -y google-noto-sans-cjk-fonts   (Alpine: apk add font-noto-cjk)',
    };
  }
  if (!facts.isRoot) {
    const fix = facts.hasSudo ? `sudo sh -c '${aptInstallCommand(packages)}'` : `su -c '${aptInstallCommand(packages)}'`;
    return { action: 'stop', why: `${why}. Installing them needs root.`, fix };
  }
  return {
    action: 'install',
    packages,
    why,
    steps: [
      ['apt-get', 'update', '-qq'],
      ['apt-get', 'install', '-y', '-qq', ...packages],
    ],
  };
}

/**
 * After a failed or ineffective install: what the person has to run themselves.
 * @param {string[]} packages
 * @param {string} detail what went wrong (the failing step and its exit status)
 * @returns {SetupPlan}
 */
export function planAfterFailedInstall(packages, detail) {
  return { action: 'stop', why: `installing ${packages.join(' ')} failed: ${detail}`, fix: aptInstallCommand(packages) };
}
