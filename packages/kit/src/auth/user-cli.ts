// Entry point of `npm run user -- <command> …`; the work is in user-cli-run.ts so it stays importable.
import { runUserCli } from './user-cli-run.ts';

async function firstLineOfStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('密码 (password): ');
  let text = '';
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/)[0] ?? '';
}

process.exitCode = await runUserCli(process.argv.slice(2), process.env, {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  readSecret: firstLineOfStdin,
});
