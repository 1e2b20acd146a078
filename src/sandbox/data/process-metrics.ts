/**
 * Figures of the sandbox's own process, read where the operating system offers them, for the
 * node stats sections that have a real counterpart here: process (file descriptors, CPU, virtual
 * memory), memory (the V8 heap stands for the JVM heap) and the file system the sandbox runs on.
 * A figure the platform does not offer is -1, as Elasticsearch's probes report an unavailable one.
 */
import { readdirSync, readFileSync, statfsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { getHeapStatistics } from 'node:v8';

/** Linux's /proc, read defensively: another platform answers undefined. */
function procText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** ProcessProbe.getOpenFileDescriptorCount: -1 when unknown. */
export function openFileDescriptors(): number {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return -1;
  }
}

/** ProcessProbe.getMaxFileDescriptorCount: the soft limit of open files, -1 when unknown. */
export function maxFileDescriptors(): number {
  const limits = procText('/proc/self/limits');
  const line = limits?.split('\n').find((l) => l.startsWith('Max open files'));
  const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
  return soft !== undefined && /^\d+$/.test(soft) ? Number(soft) : -1;
}

/** ProcessProbe.getTotalVirtualMemorySize: VmSize, -1 when unknown. */
export function totalVirtualBytes(): number {
  const kb = procText('/proc/self/status')?.match(/^VmSize:\s+(\d+)\s+kB$/m)?.[1];
  return kb === undefined ? -1 : Number(kb) * 1024;
}

let lastCpu = { wall: performance.now(), micros: 0 };

/** CPU time the process used so far (user + system), in milliseconds. */
export function cpuTotalMillis(): number {
  const { user, system } = process.cpuUsage();
  return Math.floor((user + system) / 1000);
}

/**
 * ProcessProbe.getProcessCpuPercent: recent CPU use of the process over all cores, as a whole
 * percentage (a `short` cast, so truncated): here since the previous call, or since the start.
 */
export function cpuPercent(): number {
  const { user, system } = process.cpuUsage();
  const now = performance.now();
  const micros = user + system;
  const wallMicros = (now - lastCpu.wall) * 1000;
  const percent =
    wallMicros > 0 ? ((micros - lastCpu.micros) / wallMicros / availableParallelism()) * 100 : 0;
  lastCpu = { wall: now, micros };
  return Math.max(0, Math.min(100, Math.floor(percent)));
}

/** Heap figures: used and committed from V8, the maximum from V8's heap size limit. */
export function heap(): { used: number; committed: number; max: number } {
  const { heapUsed, heapTotal } = process.memoryUsage();
  return { used: heapUsed, committed: heapTotal, max: getHeapStatistics().heap_size_limit };
}

/** Byte totals of a file system (FsInfo's total). */
export interface FileSystemTotals {
  total: number;
  free: number;
  available: number;
}

/** The file system holding the sandbox's working directory, as FsInfo's total reports it. */
export function fileSystemTotals(): FileSystemTotals | undefined {
  try {
    const s = statfsSync(process.cwd());
    return { total: s.blocks * s.bsize, free: s.bfree * s.bsize, available: s.bavail * s.bsize };
  } catch {
    return undefined;
  }
}
