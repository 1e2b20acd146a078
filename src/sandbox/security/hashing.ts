import { hash, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const pbkdf2Async = promisify(pbkdf2);

/** A salted slow hash as stored at rest (ES hashes API keys and passwords with PBKDF2/bcrypt). */
export interface StoredHash {
  readonly salt: Buffer;
  readonly hash: Buffer;
}

const ITERATIONS = 10_000;

/** Hashes a secret for storage (salted PBKDF2-SHA512). */
export async function hashSecret(secret: string): Promise<StoredHash> {
  const salt = randomBytes(16);
  return { salt, hash: await pbkdf2Async(secret, salt, ITERATIONS, 32, 'sha512') };
}

/** Verifies a secret against its stored hash (slow path, run once per cache miss). */
export async function verifySecret(secret: string, stored: StoredHash): Promise<boolean> {
  const h = await pbkdf2Async(secret, stored.salt, ITERATIONS, 32, 'sha512');
  return timingSafeEqual(h, stored.hash);
}

/**
 * The verification cache ES keeps in front of the slow hash (`…api_key.cache.hash_algo` =
 * ssha256, §11): after one successful slow verification, a salted SHA-256 of the secret is kept
 * per id, so repeated authentication is cheap. Entries are dropped on invalidation/update.
 */
export class VerificationCache {
  readonly #salt = randomBytes(16);
  readonly #entries = new Map<string, Buffer>();

  readonly #saltHex = this.#salt.toString('hex');

  #fast(secret: string): Buffer {
    // One-shot hash (no Hash object per request): this runs on every authenticated request.
    return hash('sha256', this.#saltHex + secret, 'buffer');
  }
  /** True/false when the id is cached, undefined on a miss. */
  check(id: string, secret: string): boolean | undefined {
    const hit = this.#entries.get(id);
    if (!hit) return undefined;
    return timingSafeEqual(hit, this.#fast(secret));
  }
  /** Records a verified secret. */
  remember(id: string, secret: string): void {
    if (this.#entries.size >= 25_000) this.#entries.clear();
    this.#entries.set(id, this.#fast(secret));
  }
  /** Forgets one id (or all). */
  evict(id?: string): void {
    if (id === undefined) this.#entries.clear();
    else this.#entries.delete(id);
  }
}

/** Verifies with the cache first, then the stored hash; caches successes. */
export async function verifyCached(
  cache: VerificationCache,
  id: string,
  secret: string,
  stored: StoredHash,
): Promise<boolean> {
  // A cache miss or mismatch falls back to the slow hash, as ApiKeyService does.
  if (cache.check(id, secret) === true) return true;
  const ok = await verifySecret(secret, stored);
  if (ok) cache.remember(id, secret);
  return ok;
}
