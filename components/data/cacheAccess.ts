/**
 * The application cache user's ACL, apart from the cache component so that what runs a local
 * redis-server with the same ACL (offline/local/servers/redis.ts) need not load Pulumi to read it.
 */

/**
 * ACL of the application's cache user: everything except the commands that can wipe or reconfigure
 * the cache (FLUSHALL, CONFIG, KEYS, DEBUG, …), but INFO back, which clients use for readiness.
 */
export const DEFAULT_CACHE_ACCESS_STRING = "on ~* +@all -@dangerous +info";
