/** The machine a run measured: what docs/benchmarks.md must name beside every figure. */
import { arch, cpus, loadavg, platform, release, totalmem } from 'node:os';

/** Cores, CPU, memory, OS and Node version. */
export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryBytes: number;
  os: string;
  node: string;
  /** 1, 5 and 15 minute load averages when described: other work competes for the cores. */
  loadAverage: number[];
}

/** Describes this machine. */
export function describeMachine(): MachineInfo {
  const processors = cpus();
  return {
    cores: processors.length,
    cpuModel: processors[0]?.model.trim() ?? 'unknown CPU',
    memoryBytes: totalmem(),
    os: `${platform()} ${release()} ${arch()}`,
    node: process.version,
    loadAverage: loadavg(),
  };
}

/** "2 cores (Intel Xeon), 23.5 GiB, linux 6.1 x64, Node v20.20.2" */
export function formatMachine(machine: MachineInfo): string {
  const gib = (machine.memoryBytes / 1024 ** 3).toFixed(1);
  return `${machine.cores} cores (${machine.cpuModel}), ${gib} GiB memory, ${machine.os}, Node ${machine.node}`;
}
