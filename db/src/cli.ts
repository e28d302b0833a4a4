import { migrate, redactUrl } from './index.ts';

const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/doitcrm';
const direction = process.argv[2] ?? 'up';
if (direction !== 'up') {
  console.error(`usage: npm run migrate [-- up]   (got "${direction}"; roll back with node-pg-migrate down if you must)`);
  process.exit(2);
}
try {
  const applied = await migrate({ databaseUrl, log: (line) => console.log(line) });
  console.log(applied.length ? `migrated ${redactUrl(databaseUrl)}: ${applied.length} applied` : `${redactUrl(databaseUrl)} is up to date`);
} catch (error) {
  console.error(`migration of ${redactUrl(databaseUrl)} failed: ${(error as Error).message}`);
  process.exit(1);
}
