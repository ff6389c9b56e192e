import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveTopics, type Topics } from './topics.js';

/** The services this process can run; the composition root starts the ones named in `services`. */
export const SERVICE_NAMES = ['character', 'transports', 'presence'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/**
 * Who owns character location (decisions §F3): `character` is the reference (atlas-character handles
 * CHANGE_MAP and emits MAP_CHANGED / CHANNEL_CHANGED); `maps` is HEAD (atlas-maps, or the embedded presence
 * module standing in for it, owns them, and the character service follows its events).
 */
export type LocationOwner = 'character' | 'maps';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

export type DatabaseConfig =
  | { readonly kind: 'external'; readonly url: string }
  | { readonly kind: 'embedded'; readonly dataDir: string; readonly port: number };

/** Outbound Atlas services, each `<NAME>_SERVICE_URL` or else `BASE_SERVICE_URL` (always ending in '/'). */
export interface ServiceUrls {
  readonly data?: string;
  readonly skills?: string;
  readonly effectiveStats?: string;
  readonly tenants?: string;
  readonly maps?: string;
  /** Atlas HEAD's world-transfer gates and saga snapshot (head-contract.md C11), each optional. */
  readonly worlds?: string;
  readonly accounts?: string;
  readonly bans?: string;
  readonly guilds?: string;
  readonly families?: string;
  readonly trades?: string;
  readonly merchants?: string;
  readonly mts?: string;
  readonly parties?: string;
  readonly buddies?: string;
}

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly logLevel: LogLevel;
  /** READ_ONLY serves REST but starts no consumers, as the reference's SERVICE_MODE. */
  readonly serviceMode: 'MIXED' | 'READ_ONLY';
  readonly services: ReadonlySet<ServiceName>;
  readonly database: DatabaseConfig;
  readonly dataDir: string;
  readonly bootstrapServers: readonly string[];
  readonly consumerGroups: Readonly<Record<ServiceName, string>>;
  readonly serviceUrls: ServiceUrls;
  readonly outboundTimeoutMs: number;
  /** TRACE_ENDPOINT: where spans go (OTLP); unset, no span is made and no tracing code is loaded. */
  readonly traceEndpoint?: TraceTarget;
  /** ADMIN_TOKEN: the bearer token of the operator endpoints; unset, they answer on loopback only. */
  readonly adminToken?: string;
  readonly configFile: string;
  readonly topics: Topics;
  readonly locationOwner: LocationOwner;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super(`${variable}: ${detail}`);
  }
}

/** Values given to `start(options)`; each wins over its environment variable. */
export interface ConfigOverrides {
  port?: number;
  host?: string;
  services?: readonly ServiceName[];
  dataDir?: string;
  databaseUrl?: string;
  configFile?: string;
  logLevel?: LogLevel;
}

const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEFAULT_CONFIG_FILE = path.join(PACKAGE_ROOT, 'config', 'tenants.json');

const LOG_LEVELS: Record<string, LogLevel> = {
  trace: 'trace',
  debug: 'debug',
  info: 'info',
  warn: 'warn',
  warning: 'warn',
  error: 'error',
  fatal: 'fatal',
  panic: 'fatal',
  silent: 'silent',
};

const DEFAULT_GROUPS: Record<ServiceName, string> = {
  character: 'Character Service',
  transports: 'Transport Service',
  presence: 'Map Service',
};

type Env = Record<string, string | undefined>;

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** An OTLP trace receiver: gRPC as Atlas's services export (`host:port`), or HTTP/JSON (a URL). */
export interface TraceTarget {
  readonly protocol: 'grpc' | 'http';
  readonly url: string;
}

const HOST_PORT = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\]):\d{1,5}$/;

/**
 * Atlas's Go services read TRACE_ENDPOINT as the `host:port` of an OTLP/gRPC receiver without TLS (their
 * configmaps say `tempo.home:4317`): the same value works here. An http(s) URL selects OTLP/HTTP with JSON
 * bodies instead, `/v1/traces` appended when the URL has no path (a collector's :4318).
 */
function traceTarget(env: Env): TraceTarget | undefined {
  const value = text(env, 'TRACE_ENDPOINT');
  if (value === undefined) return undefined;
  const expected = `expected host:port (OTLP/gRPC, as Atlas) or an http(s) URL (OTLP/HTTP), got "${value}"`;
  if (/^https?:\/\//i.test(value)) {
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      throw new ConfigError('TRACE_ENDPOINT', expected);
    }
    if (parsed.pathname === '/') parsed.pathname = '/v1/traces';
    return { protocol: 'http', url: parsed.toString() };
  }
  if (!HOST_PORT.test(value)) throw new ConfigError('TRACE_ENDPOINT', expected);
  return { protocol: 'grpc', url: `http://${value}` };
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = text(env, name);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new ConfigError(name, `must be an integer from ${min} to ${max}, got "${value}"`);
  }
  return Number(value);
}

function url(env: Env, name: string): string | undefined {
  const value = text(env, name);
  if (value === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(name, `must be an http(s) URL, got "${value}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(name, `must be an http(s) URL, got "${value}"`);
  }
  // Atlas builds outbound URLs by concatenation, so the root must end with '/'.
  return value.endsWith('/') ? value : `${value}/`;
}

function serviceUrls(env: Env): ServiceUrls {
  const base = url(env, 'BASE_SERVICE_URL');
  const pick = (name: string) => url(env, name) ?? base;
  return {
    data: pick('DATA_SERVICE_URL'),
    skills: pick('SKILLS_SERVICE_URL'),
    effectiveStats: pick('EFFECTIVE_STATS_SERVICE_URL'),
    tenants: pick('TENANTS_SERVICE_URL'),
    maps: pick('MAPS_SERVICE_URL'),
    worlds: pick('WORLDS_SERVICE_URL'),
    accounts: pick('ACCOUNTS_SERVICE_URL'),
    bans: pick('BANS_SERVICE_URL'),
    guilds: pick('GUILDS_SERVICE_URL'),
    families: pick('FAMILIES_SERVICE_URL'),
    trades: pick('TRADES_SERVICE_URL'),
    merchants: pick('MERCHANT_SERVICE_URL'),
    mts: pick('MTS_SERVICE_URL'),
    parties: pick('PARTIES_SERVICE_URL'),
    buddies: pick('BUDDIES_SERVICE_URL'),
  };
}

function databaseUrlFromParts(env: Env): string | undefined {
  const host = text(env, 'DB_HOST');
  if (!host) return undefined;
  const port = integer(env, 'DB_PORT', 5432, 1, 65535);
  const user = encodeURIComponent(text(env, 'DB_USER') ?? 'postgres');
  const password = text(env, 'DB_PASSWORD');
  const name = encodeURIComponent(text(env, 'DB_NAME') ?? 'atlas-characters');
  const auth = password === undefined ? user : `${user}:${encodeURIComponent(password)}`;
  return `postgres://${auth}@${host}:${port}/${name}`;
}

function services(env: Env, override?: readonly ServiceName[]): Set<ServiceName> {
  if (override) return new Set(override);
  const value = text(env, 'SERVICES');
  if (value === undefined) return new Set(SERVICE_NAMES);
  const names = value.split(',').map((s) => s.trim().toLowerCase());
  for (const name of names) {
    if (!(SERVICE_NAMES as readonly string[]).includes(name)) {
      throw new ConfigError('SERVICES', `unknown service "${name}" (known: ${SERVICE_NAMES.join(', ')})`);
    }
  }
  return new Set(names as ServiceName[]);
}

function consumerGroups(env: Env, running: ReadonlySet<ServiceName>): Record<ServiceName, string> {
  const override = text(env, 'KAFKA_CONSUMER_GROUP');
  if (override === undefined) return { ...DEFAULT_GROUPS };
  // One group name for two services in one process would make them share (and split) every topic.
  const atlasServices = (['character', 'transports'] as const).filter((s) => running.has(s));
  if (atlasServices.length !== 1) {
    throw new ConfigError(
      'KAFKA_CONSUMER_GROUP',
      'may only be set when SERVICES names one of character, transports',
    );
  }
  return { ...DEFAULT_GROUPS, [atlasServices[0]!]: override };
}

/**
 * LOCATION_OWNER, else: `maps` when presence runs in this process (it is then the owner and the character
 * service hands over to it internally), `character` otherwise. MAPS_SERVICE_URL alone does not switch: the
 * atlas-maps of the reference era also answers it, and decisions §F5 keeps the reference's answer as the
 * default, with HEAD's (LOCATION_OWNER=maps) one setting away.
 */
function locationOwner(env: Env, running: ReadonlySet<ServiceName>): LocationOwner {
  const value = text(env, 'LOCATION_OWNER')?.toLowerCase();
  if (value === undefined) return running.has('presence') ? 'maps' : 'character';
  if (value !== 'character' && value !== 'maps') {
    throw new ConfigError('LOCATION_OWNER', `must be character or maps, got "${value}"`);
  }
  return value;
}

export function loadConfig(env: Env = process.env, overrides: ConfigOverrides = {}): Config {
  const logLevelText = (overrides.logLevel ?? text(env, 'LOG_LEVEL') ?? 'info').toLowerCase();
  const logLevel = LOG_LEVELS[logLevelText];
  if (!logLevel) throw new ConfigError('LOG_LEVEL', `unknown level "${logLevelText}"`);

  const serviceMode = (text(env, 'SERVICE_MODE') ?? 'MIXED').toUpperCase();
  if (serviceMode !== 'MIXED' && serviceMode !== 'READ_ONLY') {
    throw new ConfigError('SERVICE_MODE', `must be MIXED or READ_ONLY, got "${serviceMode}"`);
  }

  const dataDir = path.resolve(overrides.dataDir ?? text(env, 'DATA_DIR') ?? 'data');
  const externalUrl = overrides.databaseUrl ?? text(env, 'DATABASE_URL') ?? databaseUrlFromParts(env);
  if (externalUrl !== undefined && !/^postgres(ql)?:\/\//.test(externalUrl)) {
    throw new ConfigError('DATABASE_URL', 'must start with postgres:// or postgresql://');
  }
  const database: DatabaseConfig = externalUrl
    ? { kind: 'external', url: externalUrl }
    : {
        kind: 'embedded',
        dataDir: path.join(dataDir, 'postgres'),
        port: integer(env, 'EMBEDDED_DB_PORT', 0, 0, 65535),
      };

  // The reference takes one address; a comma-separated list is the superset every Kafka client understands.
  const bootstrapServers = (text(env, 'BOOTSTRAP_SERVERS') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const server of bootstrapServers) {
    if (!/^[^\s:/]+:\d{1,5}$/.test(server)) {
      throw new ConfigError('BOOTSTRAP_SERVERS', `expected host:port[,host:port...], got "${server}"`);
    }
  }

  const running = services(env, overrides.services);
  return {
    port: overrides.port ?? integer(env, 'REST_PORT', 8080, 0, 65535),
    host: overrides.host ?? text(env, 'HOST') ?? '0.0.0.0',
    logLevel,
    serviceMode,
    services: running,
    database,
    dataDir,
    bootstrapServers,
    consumerGroups: consumerGroups(env, running),
    serviceUrls: serviceUrls(env),
    outboundTimeoutMs: integer(env, 'OUTBOUND_TIMEOUT_MS', 2_000, 1, 600_000),
    traceEndpoint: traceTarget(env),
    adminToken: text(env, 'ADMIN_TOKEN'),
    configFile: path.resolve(overrides.configFile ?? text(env, 'CONFIG_FILE') ?? DEFAULT_CONFIG_FILE),
    topics: resolveTopics(env),
    locationOwner: locationOwner(env, running),
  };
}
