import { glob } from '../../core/privileges/glob.js';
import { forbidden } from '../errors.js';
import type { SandboxState, UserRecord } from '../state.js';
import type { Authentication } from './authenticate.js';

/** The action TransportGrantAction authorizes the run-as authentication for. */
const AUTHENTICATE_ACTION = 'cluster:admin/xpack/security/user/authenticate';

/**
 * Grant with `run_as` (TransportGrantAction): the grant credentials authenticate `granter`, who
 * runs as `target`; the key then belongs to `target`. The granter's roles must allow running as
 * that user (RunAsPermission); a target that does not exist is denied with the same message.
 */
export function runAsForGrant(state: SandboxState, granter: Authentication, target: string): UserRecord {
  const patterns = Object.values(granter.snapshot).flatMap((d) => d.run_as ?? []);
  const allowed = patterns.some((p) => glob(p).regex.test(target));
  const user = state.users.get(target);
  if (!allowed || !user?.enabled) {
    throw forbidden(
      `action [${AUTHENTICATE_ACTION}] is unauthorized for ${granter.subject}, because user [${granter.username}] is unauthorized to run as [${target}]`,
    );
  }
  return user;
}
