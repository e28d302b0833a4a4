// Looks at this machine for what the page tests need and acts on the plan prerequisites-plan.mjs makes. Plain Node
// with no dependencies: it runs before `npm install` has.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEBIAN_CHROMIUM, planAfterFailedInstall, planSystemSetup } from './prerequisites-plan.mjs';

/** @param {string} command */
function onPath(command, env) {
  return (env.PATH ?? '').split(path.delimiter).some((dir) => dir && fs.existsSync(path.join(dir, command)));
}

/** A font file whose name says CJK (fonts-noto-cjk, WenQuanYi, Droid fallback…), for systems without fc-list. */
function hasCjkFontFile() {
  const roots = ['/usr/share/fonts', '/usr/local/share/fonts', path.join(os.homedir(), '.local', 'share', 'fonts')];
  const pending = roots.filter((dir) => fs.existsSync(dir));
  while (pending.length > 0) {
    const dir = /** @type {string} */ (pending.pop());
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) pending.push(path.join(dir, entry.name));
      else if (/cjk|wqy|wenquanyi|droidsansfallback/i.test(entry.name)) return true;
    }
  }
  return false;
}

/** Chromium finds its fonts through fontconfig, so asking fontconfig for a Chinese font is the check that counts. */
function cjkFontsPresent(env) {
  if (!onPath('fc-list', env)) return hasCjkFontFile();
  const result = spawnSync('fc-list', [':lang=zh', 'family'], { env, encoding: 'utf8' });
  return result.status === 0 && result.stdout.trim() !== '';
}

/** @returns {import('./prerequisites-plan.mjs').SystemFacts} */
export function probeSystem(env = process.env) {
  const chromiumPath = env.CHROMIUM_PATH || DEBIAN_CHROMIUM;
  return {
    chromiumPath,
    chromiumPathFromEnv: Boolean(env.CHROMIUM_PATH),
    chromiumPresent: fs.existsSync(chromiumPath),
    cjkFontsPresent: cjkFontsPresent(env),
    isRoot: process.getuid?.() === 0,
    hasAptGet: onPath('apt-get', env),
    hasSudo: onPath('sudo', env),
  };
}

/** @param {import('./prerequisites-plan.mjs').SetupPlan & { action: 'stop' }} plan */
function stop(plan) {
  console.error(`\n✖ npm test cannot run the page tests: ${plan.why}\n  Run this, then npm test again:\n\n    ${plan.fix}\n`);
  process.exit(1);
}

/**
 * Makes sure Chromium and the Chinese fonts are installed before anything else runs: installs them through apt-get when
 * root, otherwise exits at once with the command that fixes it.
 */
export function ensureSystemPrerequisites(env = process.env) {
  const plan = planSystemSetup(probeSystem(env));
  if (plan.action === 'none') return;
  if (plan.action === 'stop') stop(plan);
  if (plan.action !== 'install') return;
  console.log(`\n▶ installing ${plan.packages.join(' ')} with apt-get: ${plan.why}`);
  for (const [command, ...args] of plan.steps) {
    console.log(`  ${command} ${args.join(' ')}`);
    const result = spawnSync(command, args, { env: { ...env, DEBIAN_FRONTEND: 'noninteractive' }, stdio: 'inherit' });
    if (result.status !== 0) {
      stop(planAfterFailedInstall(plan.packages, `\`${command} ${args.join(' ')}\` exited with ${result.status ?? result.signal ?? result.error?.message}.`));
    }
  }
  const after = planSystemSetup(probeSystem(env));
  if (after.action !== 'none') stop(planAfterFailedInstall(plan.packages, `apt-get reported success, yet ${after.action === 'stop' ? after.why : `${after.why}.`}`));
  console.log(`✔ installed ${plan.packages.join(' ')}`);
}
