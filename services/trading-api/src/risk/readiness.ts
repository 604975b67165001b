/** What readiness says about the risk dependencies: Valkey's copy (the gate) and Aurora (the syncer). */
import type { PreTradeGate } from "./preTrade";
import type { SyncStatus } from "./syncer";

export interface RiskReadiness {
  sync: SyncStatus;
  /** How old the cached copy is, seconds. */
  stalenessSeconds: number;
  maxStalenessSeconds: number;
  /** Local time now, for the age of the last sync. */
  now: number;
}

export interface DependencyReport {
  ordersAccepted: boolean;
  dependencies: Record<string, { ok: boolean; detail: string }>;
}

export function readinessOfRisk(gate: PreTradeGate, state: RiskReadiness | undefined): DependencyReport {
  const availability = gate.availability();
  const dependencies: DependencyReport["dependencies"] = {
    referenceCache: availability.ok
      ? { ok: true, detail: "reference data served from the cache" }
      : { ok: false, detail: `${availability.reason}: new orders are refused with 503; cancels, reads and fills are served to clients this instance has seen` },
  };
  if (state) {
    const age = state.sync.lastSuccessAt === undefined ? undefined : (state.now - state.sync.lastSuccessAt) / 1000;
    dependencies.referenceDatabase =
      state.sync.lastError === undefined && age !== undefined
        ? { ok: true, detail: `synced ${age.toFixed(1)} s ago` }
        : {
            ok: false,
            detail: `${state.sync.lastError ?? "not synced yet"}; cache ${Number.isFinite(state.stalenessSeconds) ? `${state.stalenessSeconds.toFixed(1)} s` : "never"} old, orders refused past ${state.maxStalenessSeconds} s`,
          };
  }
  return { ordersAccepted: availability.ok, dependencies };
}
