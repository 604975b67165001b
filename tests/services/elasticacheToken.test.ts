/**
 * The ElastiCache IAM authentication token (services/trading-api/src/risk/elasticacheToken.ts)
 * against AWS's documented format, and its use on live connections.
 *
 * Format ("Authenticating with IAM", https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth-iam.html,
 * and its Java sample, aws-samples/elasticache-iam-auth-demo-app IAMAuthTokenRequest): a SigV4
 * presigned GET of `http://<replication group id>/?Action=connect&User=<user id>` for the service
 * `elasticache` in the cache's region, valid for 900 seconds, with the `http://` prefix removed.
 * The signature is recomputed here by hand from the SigV4 rules (IAM User Guide, "Create a signed
 * AWS API request"; query-string authentication as in "Authenticating Requests: Using Query
 * Parameters", https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html), with
 * fixed credentials and a fixed clock, not with the signer the code uses.
 *
 * Live connections (redis-server harness): an ACL user whose password is the token stands in for
 * ElastiCache's IAM check (redis-server verifies no signature; the token must simply be the one
 * signed at the right moment). Replacing the password with the next token while connections stay
 * open plays "the old token expired": re-AUTH and reconnects must send a freshly signed one.
 */
import { createHash, createHmac } from "node:crypto";
import { expect } from "chai";
import { DEFAULT_CACHE_ACCESS_STRING } from "../../components/data/dataTier";
import { elastiCacheAuthToken, elastiCacheTokenProvider, TOKEN_LIFETIME_SECONDS } from "../../services/trading-api/src/risk/elasticacheToken";
import { connectValkey, REAUTHENTICATE_EVERY_MS, type Valkey } from "../../services/trading-api/src/risk/valkey";
import { sharedRedis, type RedisAdmin, type RedisServer } from "../support/redis";
import { waitFor } from "./riskFixtures";

// AWS's documentation example keys: fixed, and obviously not real.
const CREDENTIALS = {
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  sessionToken: "IQoJb3JpZ2luX2VjEXAMPLE/session+token==",
};
const SIGNED_AT = new Date("2026-03-01T10:20:30.456Z");

const sha256 = (data: string) => createHash("sha256").update(data, "utf8").digest("hex");
const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data, "utf8").digest();
/** RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ percent-encoded. */
const uriEncode = (value: string) => encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The signature SigV4 gives this presigned URL (token), computed from the spec. */
function expectedSignature(token: string, secretAccessKey: string): string {
  const url = new URL(`http://${token}`);
  const params = [...url.searchParams].filter(([name]) => name !== "X-Amz-Signature");
  const canonicalQuery = params
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  // GET, path "/", the canonical query, the one signed header (host), and the hash of the empty payload.
  const canonicalRequest = ["GET", "/", canonicalQuery, `host:${url.host}\n`, "host", sha256("")].join("\n");
  const amzDate = url.searchParams.get("X-Amz-Date") ?? "";
  const [, day, region, service, terminator] = (url.searchParams.get("X-Amz-Credential") ?? "").split("/");
  const scope = [day, region, service, terminator].join("/");
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonicalRequest)].join("\n");
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, day), region), service), "aws4_request");
  return createHmac("sha256", signingKey).update(stringToSign, "utf8").digest("hex");
}

describe("ElastiCache IAM authentication token", () => {
  describe("format (fixed credentials, fixed clock)", () => {
    let token: string;
    let params: URLSearchParams;
    before(async () => {
      token = await elastiCacheAuthToken({ replicationGroupId: "Trading-Cache-Use1", userId: "trading-app", region: "us-east-1", credentials: CREDENTIALS, signingDate: SIGNED_AT });
      params = new URL(`http://${token}`).searchParams;
    });

    it("is the presigned URL of http://<replication group id, lower case>/ with the scheme stripped", () => {
      expect(token.startsWith("http")).to.equal(false);
      expect(token.startsWith("trading-cache-use1/?")).to.equal(true);
      const url = new URL(`http://${token}`);
      expect(url.host).to.equal("trading-cache-use1");
      expect(url.pathname).to.equal("/");
    });

    it("carries Action=connect, the user id, and SigV4 query authentication: algorithm, credential scope, date, 900 s, host signed", () => {
      expect(params.get("Action")).to.equal("connect");
      expect(params.get("User")).to.equal("trading-app");
      expect(params.get("X-Amz-Algorithm")).to.equal("AWS4-HMAC-SHA256");
      expect(params.get("X-Amz-Credential")).to.equal("AKIAIOSFODNN7EXAMPLE/20260301/us-east-1/elasticache/aws4_request");
      expect(params.get("X-Amz-Date")).to.equal("20260301T102030Z");
      expect(params.get("X-Amz-Expires")).to.equal(String(900));
      expect(TOKEN_LIFETIME_SECONDS).to.equal(900);
      expect(params.get("X-Amz-SignedHeaders")).to.equal("host");
      expect(params.get("X-Amz-Security-Token")).to.equal(CREDENTIALS.sessionToken);
      expect(params.get("X-Amz-Signature")).to.match(/^[0-9a-f]{64}$/);
      // Reserved characters travel percent-encoded (a raw '+' would arrive as a space).
      expect(token).to.include(`X-Amz-Security-Token=${encodeURIComponent(CREDENTIALS.sessionToken)}`);
      expect(token).to.include("X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20260301%2Fus-east-1%2Felasticache%2Faws4_request");
    });

    it("is signed as SigV4 prescribes (recomputed independently), and the signature covers user, group, date and session token", () => {
      expect(params.get("X-Amz-Signature")).to.equal(expectedSignature(token, CREDENTIALS.secretAccessKey));
      const tampered = [
        token.replace("User=trading-app", "User=admin"),
        token.replace("trading-cache-use1/", "other-cache/"),
        token.replace("20260301T102030Z", "20260301T112030Z"),
        token.replace(/X-Amz-Security-Token=[^&]+/, "X-Amz-Security-Token=forged"),
      ];
      for (const t of tampered) {
        expect(t).to.not.equal(token);
        expect(new URL(`http://${t}`).searchParams.get("X-Amz-Signature")).to.not.equal(expectedSignature(t, CREDENTIALS.secretAccessKey));
      }
      expect(expectedSignature(token, "another-secret")).to.not.equal(params.get("X-Amz-Signature"));
    });

    it("is deterministic for a given clock and signs a new token for a new time", async () => {
      const options = { replicationGroupId: "trading-cache-use1", userId: "trading-app", region: "us-east-1", credentials: CREDENTIALS };
      const again = await elastiCacheAuthToken({ ...options, signingDate: SIGNED_AT });
      expect(again).to.equal(token);
      let now = SIGNED_AT;
      const provider = elastiCacheTokenProvider(options, () => now);
      expect(await provider()).to.equal(token);
      now = new Date(SIGNED_AT.getTime() + 60_000);
      const later = await provider();
      expect(new URL(`http://${later}`).searchParams.get("X-Amz-Date")).to.equal("20260301T102130Z");
      expect(later).to.not.equal(token);
    });

    it("without credentials of a session, has no security token, and is still correctly signed", async () => {
      const plain = await elastiCacheAuthToken({
        replicationGroupId: "g",
        userId: "u",
        region: "eu-west-1",
        credentials: { accessKeyId: CREDENTIALS.accessKeyId, secretAccessKey: CREDENTIALS.secretAccessKey },
        signingDate: SIGNED_AT,
      });
      const p = new URL(`http://${plain}`).searchParams;
      expect(p.has("X-Amz-Security-Token")).to.equal(false);
      expect(p.get("X-Amz-Credential")).to.equal("AKIAIOSFODNN7EXAMPLE/20260301/eu-west-1/elasticache/aws4_request");
      expect(p.get("X-Amz-Signature")).to.equal(expectedSignature(plain, CREDENTIALS.secretAccessKey));
    });
  });

  describe("on live connections (redis-server, an ACL user whose password is the current token)", function () {
    this.timeout(30_000);
    const USER = "iam-token-test";
    const REAUTH_MS = 300;
    const options = { replicationGroupId: "trading-cache-use1", userId: USER, region: "us-east-1", credentials: CREDENTIALS };
    let redis: RedisServer;
    let admin: RedisAdmin;
    let valkey: Valkey | undefined;
    let clock = SIGNED_AT;
    const errors: string[] = [];
    const tokenAt = (at: Date) => elastiCacheAuthToken({ ...options, signingDate: at });
    /**
     * Moves the clock to `at`: the token signed then is accepted from just before the clock moves,
     * and every other one stops being accepted just after (the previous token "expired"), so a
     * re-AUTH firing in between is never refused. Open connections stay open.
     */
    const moveClockTo = async (at: Date) => {
      const token = await tokenAt(at);
      await admin.sendCommand(["ACL", "SETUSER", USER, `>${token}`]);
      clock = at;
      await admin.sendCommand(["ACL", "SETUSER", USER, "resetpass", `>${token}`]);
    };
    /** Failed authentications as the user, from the server's ACL LOG (repeats are counted in `count`). */
    const authFailures = async () => {
      const log = (await admin.sendCommand(["ACL", "LOG"])) as unknown[];
      let failures = 0;
      for (const raw of log) {
        const entry: Record<string, unknown> = Array.isArray(raw)
          ? Object.fromEntries(Array.from({ length: raw.length / 2 }, (_, i) => [String(raw[2 * i]), raw[2 * i + 1]]))
          : (raw as Record<string, unknown>);
        if (String(entry.reason) === "auth" && String(entry.username) === USER) failures += Number(entry.count ?? 1);
      }
      return failures;
    };

    before(async () => {
      redis = await sharedRedis();
      admin = await redis.admin();
      await admin.sendCommand(["ACL", "LOG", "RESET"]);
      await admin.sendCommand(["ACL", "SETUSER", USER, "reset", ...DEFAULT_CACHE_ACCESS_STRING.split(" "), `>${await tokenAt(clock)}`]);
      valkey = connectValkey(
        { host: redis.host, port: redis.port, tls: false, username: USER, password: elastiCacheTokenProvider(options, () => clock), reauthenticateEveryMs: REAUTH_MS },
        (error) => errors.push(String((error as Error).message)),
      );
      await waitFor("the IAM-token connection", () => valkey?.ready() ?? false, 5_000);
    });
    after(async () => {
      await valkey?.close();
      await admin?.sendCommand(["ACL", "DELUSER", USER]);
      await admin?.close();
    });

    it("re-sends AUTH on open connections with a token signed at that moment (hourly in production, well inside the 12 h limit)", async () => {
      expect(REAUTHENTICATE_EVERY_MS).to.equal(3_600_000);
      expect(REAUTHENTICATE_EVERY_MS).to.be.below(12 * 3_600_000);
      const client = (valkey as Valkey).client;
      expect(await client.sendCommand(["ACL", "WHOAMI"])).to.equal(USER);
      const before = await authFailures();
      // An hour later the first token is long expired: only one signed now is accepted.
      await moveClockTo(new Date(SIGNED_AT.getTime() + 3_600_000));
      const authsBefore = await authCalls(admin);
      await waitFor("a re-AUTH", async () => (await authCalls(admin)) >= authsBefore + 2, 5_000);
      expect(await authFailures()).to.equal(before);
      expect(errors.filter((e) => e.includes("WRONGPASS"))).to.deep.equal([]);
      expect(await client.sendCommand(["ACL", "WHOAMI"])).to.equal(USER);
    });

    it("re-AUTH with a token from the wrong moment is refused (so the check above can fail)", async () => {
      const before = await authFailures();
      await admin.sendCommand(["ACL", "SETUSER", USER, "resetpass", `>${await tokenAt(new Date(clock.getTime() + 60_000))}`]);
      // The server logs the refusal before its reply reaches the client's error handler: wait for both.
      await waitFor("a refused re-AUTH", async () => (await authFailures()) > before && errors.some((e) => e.includes("WRONGPASS")), 5_000);
      errors.length = 0;
    });

    it("signs a fresh token when the connection is re-established", async () => {
      await moveClockTo(new Date(clock.getTime() + 2 * 3_600_000));
      // A refused re-AUTH of the previous test may still be on its way.
      await new Promise((resolve) => setTimeout(resolve, REAUTH_MS + 100));
      const before = await authFailures();
      await admin.sendCommand(["CLIENT", "KILL", "USER", USER]);
      await waitFor("the reconnection", async () => {
        try {
          return String(await (valkey as Valkey).client.sendCommand(["ACL", "WHOAMI"])) === USER;
        } catch {
          return false;
        }
      }, 5_000);
      expect(await authFailures()).to.equal(before);
    });
  });
});

/** How many AUTH commands the server has run (the HELLO/AUTH of a connection and every re-AUTH). */
async function authCalls(admin: RedisAdmin): Promise<number> {
  const stats = await admin.info("commandstats");
  return Number(/cmdstat_auth:calls=(\d+)/.exec(stats)?.[1] ?? 0) + Number(/cmdstat_hello:calls=(\d+)/.exec(stats)?.[1] ?? 0);
}
