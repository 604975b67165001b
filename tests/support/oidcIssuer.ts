/**
 * The token issuer for tests: RS256 key pairs generated with jose, their public halves served as a
 * JWKS by a loopback HTTP server, and tokens signed by the test. The issuer itself is
 * offline/local/servers/oidcIssuer.ts (the one implementation, shared with `npm run local`, which
 * also uses its client credentials token endpoint); this file keeps the names the tests use.
 */
export { LocalIssuer as TestIssuer, SCOPE_PREFIX as TEST_SCOPE_PREFIX, signingKey, type SigningKey, type TokenOptions } from "../../offline/local/servers/oidcIssuer";
