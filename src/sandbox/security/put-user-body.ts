import { EsError } from '../errors.js';
import { isObject, tokenOf } from '../util.js';

/** The fields of a put-user body, typed as PutUserRequestBuilder.source reads them. */
export interface PutUserBody {
  password?: string;
  password_hash?: string;
  roles?: string[];
  full_name?: string | null;
  email?: string | null;
  metadata?: Record<string, unknown>;
  enabled?: boolean;
}

function wrongType(field: string, expected: string, v: unknown): EsError {
  return new EsError(
    400,
    'parse_exception',
    `expected field [${field}] to be of type ${expected}, but found [${tokenOf(v)}] instead`,
  );
}

/**
 * Parses a put-user body field by field, in body order, as PutUserRequestBuilder.source does:
 * the first problem wins; a `username` in the body must equal the one in the path.
 */
export function parsePutUserBody(username: string, body: unknown): PutUserBody {
  if (!isObject(body))
    throw new EsError(400, 'parse_exception', 'failed to parse add user request. expected an object');
  const out: PutUserBody = {};
  for (const [k, v] of Object.entries(body)) {
    switch (k) {
      case 'password':
      case 'password_hash':
        if (typeof v !== 'string') throw wrongType(k, 'string', v);
        out[k] = v;
        break;
      case 'roles':
        // A single string is a comma-separated list (Strings.commaDelimitedListToStringArray).
        if (typeof v === 'string') out.roles = v.split(',').filter((r) => r !== '');
        else if (Array.isArray(v)) out.roles = v.map(String);
        else throw wrongType(k, 'array', v);
        break;
      case 'full_name':
      case 'email':
        if (typeof v === 'string' || v === null) out[k] = v;
        else throw wrongType(k, 'string', v);
        break;
      case 'metadata':
        if (!isObject(v)) throw wrongType(k, 'object', v);
        out.metadata = v;
        break;
      case 'enabled':
        if (typeof v !== 'boolean') throw wrongType(k, 'boolean', v);
        out.enabled = v;
        break;
      case 'username':
        if (typeof v !== 'string') throw wrongType(k, 'string', v);
        if (v !== username) {
          throw new EsError(
            400,
            'illegal_argument_exception',
            `[username] in source does not match the username provided [${username}]`,
          );
        }
        break;
      default:
        throw new EsError(
          400,
          'parse_exception',
          `failed to parse add user request. unexpected field [${k}]`,
        );
    }
  }
  return out;
}
