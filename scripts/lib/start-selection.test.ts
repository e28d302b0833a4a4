import { describe, expect, it } from 'vitest';
import { needsOf, parseStartArgs, selectServices } from './start-selection.mjs';

const catalogue = [
  { key: 'etl', status: 'ready' }, { key: 'mapper', status: 'ready' }, { key: 'feishu-sync', status: 'ready' },
  { key: 'contacts-sync', status: 'planned' }, { key: 'dispatcher', status: 'ready' },
];
const available = ['etl', 'mapper', 'feishu-sync', 'contacts-sync', 'dispatcher'];

describe('npm start -- --only', () => {
  it('when no argument is given, then every ready service with a start file is started, and the school and every fake are wanted', () => {
    const services = selectServices({ ...parseStartArgs([]), catalogue, available: available.filter((name) => name !== 'mapper') });

    expect(services).toEqual(['dispatcher', 'etl', 'feishu-sync']);
    expect(needsOf(services)).toEqual({ fakes: ['channels', 'feishu'], school: true });
  });

  it('when --only names feishu-sync, then it alone starts, with the Bitable fake and without the demo school', () => {
    const services = selectServices({ ...parseStartArgs(['--only', 'feishu-sync']), catalogue, available });

    expect(services).toEqual(['feishu-sync']);
    expect(needsOf(services)).toEqual({ fakes: ['feishu'], school: false });
  });

  it('when --only is given a list, as =value or repeated, then those services start, each once, in the order a full start uses', () => {
    expect(parseStartArgs(['--only=feishu-sync,dispatcher', '--only', 'feishu-sync'])).toEqual({ only: ['feishu-sync', 'dispatcher'] });
    expect(selectServices({ only: ['feishu-sync', 'mapper'], catalogue, available })).toEqual(['feishu-sync', 'mapper']);
    expect(needsOf(['feishu-sync', 'mapper'])).toEqual({ fakes: ['feishu', 'wecom'], school: true });
  });

  it('when --only names an unknown or planned service, then start-up stops naming it and listing the services', () => {
    expect(() => selectServices({ only: ['feishu'], catalogue, available })).toThrow('--only: cannot start feishu; the services are: dispatcher, etl, feishu-sync, mapper');
    expect(() => selectServices({ only: ['contacts-sync'], catalogue, available })).toThrow('contacts-sync (planned, not deployed yet)');
  });

  it('when an argument is unknown or --only has no name, then the usage is given', () => {
    expect(() => parseStartArgs(['--onyl', 'etl'])).toThrow(/unknown argument "--onyl"\nusage: npm start/);
    expect(() => parseStartArgs(['--only'])).toThrow('--only needs a service name');
    expect(() => parseStartArgs(['--only', ','])).toThrow('--only needs a service name');
  });
});
