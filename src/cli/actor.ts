import { hostname, userInfo } from 'node:os';

/**
 * `user@host` recorded as a key's creator and as the actor of audit events. Its own module so
 * that a command recording one event (verify --record) does not load the rotation wiring.
 */
export function actorName(env: Readonly<Record<string, string | undefined>>): string {
  let user = env.USER ?? env.USERNAME ?? 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (containers): keep the env's name
  }
  return `${user}@${hostname()}`;
}
