/**
 * `npm run -s local:token [-- --client NAME] [--scope SCOPE ...]`: an access token from the running
 * local stack's issuer, by the OAuth 2.0 client credentials grant (as a client gets one from
 * Cognito), for a seeded local client (the trader by default). The token alone goes to stdout, so
 * `$(npm run -s local:token)` is the token; any failure is one line on stderr and a non-zero exit.
 * It finds the stack through its state file (state.ts).
 */
import { parseArgs } from "node:util";
import { SCOPE_PREFIX } from "./servers/oidcIssuer";
import { isAlive, readState, statePath } from "./state";

const USAGE = "usage: npm run -s local:token [-- --client NAME] [--scope SCOPE ...]";

class CliError extends Error {
  constructor(
    message: string,
    readonly code = 1,
  ) {
    super(message);
  }
}

/** Scopes as given (`orders.read`, `trading-api/orders.read`, several separated by spaces or commas), prefixed as tokens carry them. */
export function requestedScopes(values: readonly string[]): string[] {
  const scopes = values.flatMap((v) => v.split(/[\s,]+/)).filter((s) => s !== "");
  return [...new Set(scopes.map((s) => (s.startsWith(SCOPE_PREFIX) ? s : `${SCOPE_PREFIX}${s}`)))];
}

async function token(argv: string[]): Promise<string> {
  let values: { client?: string; scope?: string[]; help?: boolean };
  try {
    ({ values } = parseArgs({ args: argv, options: { client: { type: "string" }, scope: { type: "string", multiple: true }, help: { type: "boolean", short: "h" } }, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new CliError(`${error instanceof Error ? error.message.split("\n")[0] : String(error)} (${USAGE})`, 2);
  }
  if (values.help) throw new CliError(USAGE, 2);
  const state = readState();
  if (!state) throw new CliError(`npm run local is not running, or not ready yet (no ${statePath()}; it is written at the ready line): start it in another terminal with npm run local`);
  if (!isAlive(state.pid)) throw new CliError(`npm run local is not running (pid ${state.pid} in ${statePath()} has exited): start it with npm run local`);
  const clientId = values.client ?? state.defaultClient;
  const client = Object.hasOwn(state.clients, clientId) ? state.clients[clientId] : undefined;
  if (!client) throw new CliError(`no local client ${clientId} (local clients: ${Object.keys(state.clients).join(", ")})`);

  const form = new URLSearchParams({ grant_type: "client_credentials" });
  const scopes = requestedScopes(values.scope ?? []);
  if (scopes.length > 0) form.set("scope", scopes.join(" "));
  let response: Response;
  try {
    response = await fetch(state.tokenEndpoint, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        // RFC 6749 2.3.1: id and secret form-urlencoded, then Basic.
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(client.secret)}`).toString("base64")}`,
      },
      body: form,
      signal: AbortSignal.timeout(5000),
    });
  } catch {
    throw new CliError(`the local token issuer at ${state.tokenEndpoint} does not answer (is npm run local still starting, or stopping?)`);
  }
  const body = (await response.json().catch(() => ({}))) as { access_token?: unknown; error?: unknown; error_description?: unknown };
  if (!response.ok || typeof body.access_token !== "string") {
    throw new CliError(`the issuer refused: ${String(body.error ?? response.status)}${body.error_description ? `: ${String(body.error_description)}` : ""}`);
  }
  return body.access_token;
}

token(process.argv.slice(2)).then(
  (accessToken) => process.stdout.write(`${accessToken}\n`),
  (error: unknown) => {
    process.stderr.write(`local:token: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = error instanceof CliError ? error.code : 1;
  },
);
