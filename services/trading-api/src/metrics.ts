/**
 * Service metrics in CloudWatch Embedded Metric Format (EMF): the counts and latencies of the API,
 * aggregated in process and written as a few JSON log lines per flush interval. The lines go to the
 * service's log, which the CloudWatch agent on the instance already ships to CloudWatch Logs; Logs
 * extracts the metrics from them. No PutMetricData call and no cloudwatch:PutMetricData permission:
 * "To generate metrics from logs with embedded metric format, you need the logs:PutLogEvents
 * permission but you don't need to also have the cloudwatch:PutMetricData permission"
 * (CloudWatch user guide, "Embedding metrics within logs",
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format.html).
 *
 * Why aggregated and not one document per request: the per-request log line already exists; an EMF
 * block on each would add its ~300 bytes of metadata to every request's ingestion. One flush carries
 * the counts as sums and the latencies as arrays of individual values (at most 100 per document, the
 * specification's limit), so CloudWatch still computes exact percentiles.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { API_PREFIX, HEALTH_PATH, READINESS_PATH } from "./contract";
import {
  REASON_DIMENSION,
  SERVICE_METRICS,
  SERVICE_METRICS_NAMESPACE,
  ServiceMetricName,
  TABLE_DIMENSION,
} from "./metricsContract";

/** "Numeric array metric targets MUST NOT have more than 100 members" (EMF specification). */
export const MAX_VALUES_PER_DOCUMENT = 100;

/** Distinct rejection reasons kept as their own metric; further ones are counted as "other". */
export const MAX_REASONS = 16;

const REASON = /^[a-z][a-z0-9_]{0,39}$/;
const ORDERS_ROUTE = `${API_PREFIX}/orders`;
const PROBES = new Set([HEALTH_PATH, READINESS_PATH]);

export interface MetricDirective {
  Namespace: string;
  Dimensions: string[][];
  Metrics: { Name: string; Unit: string }[];
}

/** One EMF log event: the metadata plus the dimension and metric members it references. */
export interface EmfDocument {
  _aws: { Timestamp: number; CloudWatchMetrics: MetricDirective[] };
  [member: string]: unknown;
}

/** What the metrics need to know of one finished request. */
export interface RequestSample {
  method: string;
  /** The matched route pattern (e.g. /v1/orders); undefined when no route matched. */
  route: string | undefined;
  statusCode: number;
  durationMs: number;
  /** The API error code of a 4xx answer, when the body carried one. */
  errorCode?: string;
}

/** Accumulates samples between flushes and turns them into EMF documents. */
export class RequestMetrics {
  private requests = 0;
  private serverErrors = 0;
  private accepted = 0;
  private rejected = 0;
  private latencies: number[] = [];
  private reasons = new Map<string, number>();
  /** Reasons seen by this process: kept across flushes so the set stays bounded. */
  private readonly knownReasons = new Set<string>();

  constructor(private readonly table: string) {}

  record(sample: RequestSample): void {
    if (sample.route !== undefined && PROBES.has(sample.route)) {
      return;
    }
    this.requests += 1;
    this.latencies.push(Math.round(sample.durationMs * 100) / 100);
    if (sample.statusCode >= 500) {
      this.serverErrors += 1;
      return;
    }
    if (sample.method !== "POST" || sample.route !== ORDERS_ROUTE) {
      return;
    }
    if (sample.statusCode === 201) {
      this.accepted += 1;
    } else if (sample.statusCode >= 400) {
      this.rejected += 1;
      const reason = this.reasonOf(sample);
      this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + 1);
    }
  }

  /**
   * The documents for everything recorded since the last flush, stamped `timestampMs`, and a fresh
   * start. Counts are written even when zero, so rates and sums have a data point every interval.
   */
  flush(timestampMs: number): EmfDocument[] {
    const counts: Record<string, number> = {
      Requests: this.requests,
      ServerErrors: this.serverErrors,
      OrdersAccepted: this.accepted,
      OrdersRejected: this.rejected,
    };
    const [first = [], ...rest] = chunks(this.latencies, MAX_VALUES_PER_DOCUMENT);
    const documents = [
      this.document(timestampMs, [TABLE_DIMENSION], { ...counts, ...(first.length > 0 ? { Latency: first } : {}) }),
      ...rest.map((values) => this.document(timestampMs, [TABLE_DIMENSION], { Latency: values })),
      ...[...this.reasons].map(([reason, count]) =>
        this.document(timestampMs, [TABLE_DIMENSION, REASON_DIMENSION], { OrdersRejected: count }, { [REASON_DIMENSION]: reason }),
      ),
    ];
    this.requests = 0;
    this.serverErrors = 0;
    this.accepted = 0;
    this.rejected = 0;
    this.latencies = [];
    this.reasons = new Map();
    return documents;
  }

  private reasonOf(sample: RequestSample): string {
    const code = sample.errorCode !== undefined && REASON.test(sample.errorCode) ? sample.errorCode : `http_${sample.statusCode}`;
    if (this.knownReasons.has(code)) {
      return code;
    }
    if (this.knownReasons.size >= MAX_REASONS) {
      return "other";
    }
    this.knownReasons.add(code);
    return code;
  }

  private document(
    timestampMs: number,
    dimensions: string[],
    metrics: Partial<Record<ServiceMetricName, number | number[]>>,
    extraDimensions: Record<string, string> = {},
  ): EmfDocument {
    return {
      _aws: {
        Timestamp: timestampMs,
        CloudWatchMetrics: [
          {
            Namespace: SERVICE_METRICS_NAMESPACE,
            Dimensions: [dimensions],
            Metrics: (Object.keys(metrics) as ServiceMetricName[]).map((name) => ({ Name: name, Unit: SERVICE_METRICS[name] })),
          },
        ],
      },
      [TABLE_DIMENSION]: this.table,
      ...extraDimensions,
      ...metrics,
    };
  }
}

function chunks<T>(values: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) {
    out.push(values.slice(i, i + size));
  }
  return out;
}

export interface RequestMetricsOptions {
  /**
   * Receives each EMF document (written as one JSON line). Default: the app's logger, through a
   * child fixed at level info so LOG_LEVEL never switches metrics off.
   */
  write?: (document: EmfDocument) => void;
  /** How often documents are written; 0 writes only when the app closes. Default 10 000 ms. */
  flushIntervalMs?: number;
  /** Clock for document timestamps. Default Date.now. */
  now?: () => number;
}

/** The API error code of a JSON error body (`{ "error": "<code>", ... }`), if any. */
function errorCodeOf(payload: unknown): string | undefined {
  if (typeof payload !== "string" || !payload.startsWith("{")) {
    return undefined;
  }
  try {
    const code = (JSON.parse(payload) as { error?: unknown }).error;
    return typeof code === "string" ? code : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Records every response of `app` and writes the metrics every `flushIntervalMs` and when the app
 * closes. The error code of a rejected order is read from the body as it is sent (only for 4xx
 * answers to POST /v1/orders, so other responses are never parsed).
 */
export function registerRequestMetrics(app: FastifyInstance, table: string, options: RequestMetricsOptions = {}): RequestMetrics {
  const metrics = new RequestMetrics(table);
  const now = options.now ?? Date.now;
  const log = options.write ? undefined : app.log.child({}, { level: "info" });
  const write = options.write ?? ((document: EmfDocument) => log?.info(document));
  const errorCodes = new WeakMap<FastifyRequest, string>();
  const flush = () => {
    for (const document of metrics.flush(now())) {
      write(document);
    }
  };

  app.addHook("onSend", (request, reply, payload, done) => {
    if (reply.statusCode >= 400 && reply.statusCode < 500 && request.method === "POST" && request.routeOptions.url === ORDERS_ROUTE) {
      const code = errorCodeOf(payload);
      if (code !== undefined) errorCodes.set(request, code);
    }
    done(null, payload);
  });
  app.addHook("onResponse", (request, reply, done) => {
    metrics.record({
      method: request.method,
      route: request.routeOptions.url,
      statusCode: reply.statusCode,
      durationMs: reply.elapsedTime,
      errorCode: errorCodes.get(request),
    });
    done();
  });

  const intervalMs = options.flushIntervalMs ?? 10_000;
  const timer = intervalMs > 0 ? setInterval(flush, intervalMs) : undefined;
  timer?.unref();
  app.addHook("onClose", (_instance, done) => {
    if (timer) clearInterval(timer);
    flush();
    done();
  });
  return metrics;
}
