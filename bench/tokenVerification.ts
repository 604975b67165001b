/**
 * The cost of verifying one bearer token in the service's verifier, in this process: a token seen
 * for the first time (RS256 signature checked with WebCrypto, claims checked) against one already
 * verified (the remembered-token path every later request of a client takes). Printed by
 * `npm run bench` beside the HTTP figures; not a test.
 */
import { performance } from "node:perf_hooks";
import { JwksCache } from "../services/trading-api/src/auth/jwks";
import { TokenVerifier } from "../services/trading-api/src/auth/tokens";
import { TEST_SCOPE_PREFIX, TestIssuer } from "../tests/support/oidcIssuer";

export interface VerificationFigures {
  /** Microseconds per verification of a token not seen before (RSA-2048 signature). */
  firstUseUs: number;
  /** Microseconds per verification of a remembered token. */
  rememberedUs: number;
  tokens: number;
}

export async function measureTokenVerification(tokens = 1000, repeats = 20_000): Promise<VerificationFigures> {
  const issuer = await TestIssuer.start();
  const keys = new JwksCache({ url: issuer.jwksUrl });
  try {
    await keys.start();
    const verifier = new TokenVerifier({ keys, issuer: issuer.url, tokenUse: "access", scopePrefix: TEST_SCOPE_PREFIX, cacheEntries: tokens + 1 });
    const headers: string[] = [];
    for (let i = 0; i < tokens; i++) headers.push(`Bearer ${await issuer.token(`bench-${i}`, ["orders.read"])}`);
    // Warm-up: the key import and JIT, on a token of its own.
    for (let i = 0; i < 50; i++) await verifier.verify(`Bearer ${await issuer.token("warm-up", ["orders.read"])}`);
    let started = performance.now();
    for (const header of headers) await verifier.verify(header);
    const firstUseUs = ((performance.now() - started) * 1000) / tokens;
    started = performance.now();
    for (let i = 0; i < repeats; i++) await verifier.verify(headers[i % tokens]);
    const rememberedUs = ((performance.now() - started) * 1000) / repeats;
    return { firstUseUs, rememberedUs, tokens };
  } finally {
    keys.stop();
    await issuer.stop();
  }
}
