// Which services `npm start` runs and what they need, decided from the arguments and the catalogue alone (no I/O),
// so every case is unit-tested: `npm start -- --only feishu-sync` starts that service with PostgreSQL, RabbitMQ and
// Redis and none of the chat archive (no demo school, no WeCom fake).

/** The fakes (packages/fakes/src/cli.ts, `FAKES`) each service calls; a service not named calls none. */
export const SERVICE_FAKES = {
  mapper: ['wecom'],
  'contacts-sync': ['wecom'],
  messages: ['coze'],
  dispatcher: ['channels'],
  'feishu-sync': ['feishu'],
};

/** The services that read the demo school and its chat archive: without any of them the demo school is not loaded. */
export const SCHOOL_SERVICES = ['etl', 'mapper', 'messages', 'roster', 'dashboard', 'contacts-sync'];

export const START_USAGE = 'usage: npm start [-- --only <service>[,<service>…]]';

/**
 * @param {string[]} argv the arguments after `npm start --`
 * @returns {{ only: string[] | null }} null: every ready service
 * @throws {Error} with a message fit for the console (the usage included)
 */
export function parseStartArgs(argv) {
  let only = null;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    let value;
    if (arg === '--only') value = argv[++i];
    else if (arg.startsWith('--only=')) value = arg.slice('--only='.length);
    else throw new Error(`unknown argument "${arg}"\n${START_USAGE}`);
    const names = (value ?? '').split(',').map((name) => name.trim()).filter(Boolean);
    if (names.length === 0) throw new Error(`--only needs a service name\n${START_USAGE}`);
    only = [...new Set([...(only ?? []), ...names])];
  }
  return { only };
}

/**
 * The services to start: every ready one, or those `only` names. A name that is not a service, or a service still
 * `planned`, is an error naming the ones that can be started.
 * @param {{ only: string[] | null, catalogue: Array<{ key: string, status: string }>, available: string[] }} input
 *   `available`: the services with a start file in this checkout
 * @returns {string[]}
 */
export function selectServices({ only, catalogue, available }) {
  const ready = catalogue.filter((s) => s.status !== 'planned' && available.includes(s.key)).map((s) => s.key).sort();
  if (only === null) return ready;
  const unknown = only.filter((name) => !ready.includes(name));
  if (unknown.length > 0) {
    const planned = catalogue.filter((s) => s.status === 'planned').map((s) => s.key);
    const why = unknown.map((name) => (planned.includes(name) ? `${name} (planned, not deployed yet)` : name)).join(', ');
    throw new Error(`--only: cannot start ${why}; the services are: ${ready.join(', ')}`);
  }
  return ready.filter((name) => only.includes(name));
}

/**
 * What those services need from `npm start`: the fakes to run (those the operator configured a real provider for are
 * dropped later) and whether the demo school with its archive is loaded.
 * @param {string[]} services
 * @returns {{ fakes: string[], school: boolean }}
 */
export function needsOf(services) {
  const fakes = [...new Set(services.flatMap((name) => SERVICE_FAKES[name] ?? []))].sort();
  return { fakes, school: services.some((name) => SCHOOL_SERVICES.includes(name)) };
}
