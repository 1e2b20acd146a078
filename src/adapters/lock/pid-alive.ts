/**
 * Whether a process with this pid runs on this machine: signal 0 checks without sending
 * anything. ESRCH means gone; EPERM means it exists but belongs to another user.
 */
export function pidAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
