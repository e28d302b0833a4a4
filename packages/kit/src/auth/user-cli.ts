// Entry point of `npm run user -- <command> …`; the work is in user-cli-run.ts so it stays importable.
import { runUserCli } from './user-cli-run.ts';

process.exitCode = await runUserCli(process.argv.slice(2), process.env, {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
});
