// Preloaded into a dispatcher process by the bench (BENCH_DISPATCHER_CPU_PROF=<folder>): a V8 CPU profile of the whole
// process, written as <folder>/dispatcher-<pid>.cpuprofile when it exits. Node 20 refuses --cpu-prof in NODE_OPTIONS,
// so the inspector's Profiler does it (https://nodejs.org/api/inspector.html#cpu-profiler); a session in the same
// thread answers synchronously, which is what lets the 'exit' handler still write the file.
import fs from 'node:fs';
import path from 'node:path';
import { Session } from 'node:inspector';

const folder = process.env.BENCH_DISPATCHER_CPU_PROF;
if (folder) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  process.on('exit', () => {
    session.post('Profiler.stop', (error, result) => {
      if (!error) fs.writeFileSync(path.join(folder, `dispatcher-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
