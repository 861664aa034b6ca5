import { hash, verify } from '@node-rs/argon2';
import type { PasswordHasher } from '../domain/auth.service.js';

/**
 * argon2id at OWASP's minimum for it (19 MiB, 2 passes, 1 lane). `Algorithm` is a const
 * enum in the package's types, which isolated modules cannot read, hence the literal.
 */
const ARGON2ID = 2;
export const ARGON2_PARAMS = { memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 } as const;

export function argon2Hasher(): PasswordHasher {
  return {
    hash: (password) => hash(password, { ...ARGON2_PARAMS, algorithm: ARGON2ID }),
    async verify(encoded, password) {
      try {
        return await verify(encoded, password);
      } catch {
        // A corrupt stored hash is a failed sign-in, not a crash.
        return false;
      }
    },
  };
}
