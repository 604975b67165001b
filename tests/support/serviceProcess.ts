/**
 * Runs the trading API's real entry point (services/trading-api/src/main.ts) as a child process,
 * the way systemd does on an instance. The implementation is offline/local/servers/tradingApi.ts,
 * shared with `npm run local`.
 */
export { runService, type ServiceOptions, type ServiceProcess } from "../../offline/local/servers/tradingApi";
