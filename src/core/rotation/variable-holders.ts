import type { ClusterPort } from '../cluster-port.js';
import { encodedKeyId } from '../probes/encoded-key.js';
import { maskId } from '../secret.js';
import { parseManagedKey } from './key-metadata.js';
import type { EffectiveOutputs } from './outputs.js';
import type { EnvFilesPort } from './ports.js';

/**
 * Whose key each env file's key variable holds right now, for the rotation plan: the operator
 * sees, before confirming, that `.env`'s ELASTICSEARCH_API_KEY holds `email-search@prod#3` — or a
 * key of another template, a hand-made key, or one the cluster no longer knows. The key is named
 * by its id (the id variable, else the id inside the encoded key) and the cluster's metadata of
 * that id; the secret itself is never shown.
 */

/** What one env file's key variable holds. */
export interface VariableHolder {
  /** The env file (absolute, as in the outputs). */
  readonly file: string;
  readonly variable: string;
  /** The key's id, when one could be read. */
  readonly keyId?: string;
  /** `this` = a key of the scope being rotated; `other` = another template's or environment's managed key. */
  readonly holder: 'unset' | 'this' | 'other' | 'unmanaged' | 'unknown';
  /** One phrase: `email-search@prod#3 (…abcd)`, `not set`, `a key eskeys does not manage (…abcd)`. */
  readonly description: string;
}

/** Reads each env file's key variable (and id variable) and names the key it holds. Read-only. */
export async function variableHolders(
  scope: { readonly template: string; readonly environment: string },
  outputs: Pick<EffectiveOutputs, 'envFiles' | 'keyVar' | 'idVar'>,
  envFiles: Pick<EnvFilesPort, 'readVar'>,
  cluster: Pick<ClusterPort, 'getApiKey'>,
): Promise<VariableHolder[]> {
  const out: VariableHolder[] = [];
  for (const file of outputs.envFiles) {
    const base = { file, variable: outputs.keyVar };
    const key = await envFiles.readVar(file, outputs.keyVar);
    const fromIdVar = outputs.idVar
      ? (await envFiles.readVar(file, outputs.idVar))?.reveal().trim()
      : undefined;
    const keyId = fromIdVar || (key ? encodedKeyId(key) : undefined);
    if (!key && !keyId) {
      out.push({ ...base, holder: 'unset', description: 'not set' });
      continue;
    }
    if (!keyId) {
      out.push({ ...base, holder: 'unknown', description: 'a value that is not an encoded API key' });
      continue;
    }
    const info = await cluster.getApiKey(keyId);
    const shown = maskId(keyId);
    if (!info) {
      out.push({ ...base, keyId, holder: 'unknown', description: `key ${shown}, unknown to the cluster` });
      continue;
    }
    const managed = parseManagedKey(info);
    if (!managed) {
      out.push({
        ...base,
        keyId,
        holder: 'unmanaged',
        description: `${info.name ? `key ${info.name}` : 'a key'} (${shown}) that eskeys does not manage`,
      });
      continue;
    }
    const m = managed.meta;
    const mine = m.template === scope.template && m.environment === scope.environment;
    const state = info.invalidated ? ', invalidated' : '';
    out.push({
      ...base,
      keyId,
      holder: mine ? 'this' : 'other',
      description: `${m.template}@${m.environment}#${m.generation} (${shown}${state})${mine ? '' : ": another template's or environment's key"}`,
    });
  }
  return out;
}
