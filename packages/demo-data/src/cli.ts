#!/usr/bin/env -S npx tsx
import { runDemoCli } from './cli-commands.ts';

process.exitCode = await runDemoCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
