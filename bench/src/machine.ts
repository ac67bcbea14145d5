/** A one-line description of the machine a benchmark ran on. */
import { cpus, loadavg, release, totalmem, type } from 'node:os';

/** CPU model and count, memory, OS and Node version. */
export function describeMachine(): string {
  const cpu = cpus();
  const model = (cpu[0]?.model ?? 'unknown CPU').replace(/\s+/g, ' ').trim();
  return `${model} × ${cpu.length} logical cores, ${(totalmem() / 1024 ** 3).toFixed(0)} GB RAM, ${type()} ${release()}, Node ${process.version}`;
}

/** The 1-minute load average and the core count: other work on a shared machine skews timings. */
export function describeLoad(): string {
  return `load average ${loadavg()[0]?.toFixed(2)} on ${cpus().length} cores`;
}
