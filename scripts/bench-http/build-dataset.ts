// npm run bench:http:dataset -- --messages N [--name DATABASE]
// Builds (or finds finished) the benchmark dataset alone, for sharing one large database between several benches;
// prints the build's step times and sizes as one JSON line last.
import { parseArgs } from 'node:util';
import { redactUrl } from '@doitcrm/db';
import { datasetName, ensureDataset } from './dataset.ts';

const { values } = parseArgs({ options: { messages: { type: 'string', default: '200000' }, name: { type: 'string' } } });
const messages = Number(values.messages);
const dataset = await ensureDataset({ name: values.name ?? datasetName(messages), messages });
console.log(`dataset ready: ${redactUrl(dataset.url)}`);
console.log(JSON.stringify(dataset));
