// The core's port for token verification (the implementation, with jose, is server/auth/).
import type { TokenClaims } from '../../protocol/token.js';

export type VerifyResult = { ok: true; claims: TokenClaims } | { ok: false; reason: string };

export interface TokenVerifier {
  verify(token: string): Promise<VerifyResult>;
}
