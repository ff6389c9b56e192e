import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  type ConfigOverrides,
  DEFAULT_CONFIG_FILE,
  type LogLevel,
  loadConfig,
} from './config.js';

function configError(env: Record<string, string | undefined>, overrides: ConfigOverrides = {}): ConfigError {
  try {
    loadConfig(env, overrides);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig defaults', () => {
  const config = loadConfig({});

  it('has no ADMIN_TOKEN (operator endpoints on loopback only), and reads one when set', () => {
    expect(config.adminToken).toBeUndefined();
    expect(loadConfig({ ADMIN_TOKEN: ' ' }).adminToken).toBeUndefined();
    expect(loadConfig({ ADMIN_TOKEN: 'op3rator' }).adminToken).toBe('op3rator');
  });

  it('listens on 8080 on every interface', () => {
    expect(config.port).toBe(8080);
    expect(config.host).toBe('0.0.0.0');
  });

  it('runs every service in MIXED mode at info level', () => {
    expect([...config.services].sort()).toEqual(['character', 'presence', 'transports']);
    expect(config.serviceMode).toBe('MIXED');
    expect(config.logLevel).toBe('info');
  });

  it('uses an embedded database under ./data/postgres', () => {
    expect(config.dataDir).toBe(path.resolve('data'));
    expect(config.database).toEqual({
      kind: 'embedded',
      dataDir: path.join(path.resolve('data'), 'postgres'),
      port: 0,
    });
  });

  it('uses the reference consumer groups', () => {
    expect(config.consumerGroups.character).toBe('Character Service');
    expect(config.consumerGroups.transports).toBe('Transport Service');
  });

  it('names topics after their variables', () => {
    expect(config.topics.COMMAND_TOPIC_CHARACTER).toBe('COMMAND_TOPIC_CHARACTER');
    expect(config.topics.EVENT_TOPIC_TRANSPORT_STATUS).toBe('EVENT_TOPIC_TRANSPORT_STATUS');
  });

  it('has no outbound services, Kafka or trace endpoint, and the bundled configuration file', () => {
    expect(config.serviceUrls).toEqual({
      data: undefined,
      skills: undefined,
      effectiveStats: undefined,
      tenants: undefined,
      maps: undefined,
      worlds: undefined,
      accounts: undefined,
      bans: undefined,
      guilds: undefined,
      families: undefined,
      trades: undefined,
      merchants: undefined,
      mts: undefined,
      parties: undefined,
      buddies: undefined,
    });
    expect(config.bootstrapServers).toEqual([]);
    expect(config.traceEndpoint).toBeUndefined();
    expect(config.configFile).toBe(DEFAULT_CONFIG_FILE);
    expect(config.outboundTimeoutMs).toBe(2_000);
  });
});

describe('loadConfig values', () => {
  it('reads REST_PORT, LOG_LEVEL, SERVICE_MODE and SERVICES', () => {
    const config = loadConfig({
      REST_PORT: '9090',
      LOG_LEVEL: 'Debug',
      SERVICE_MODE: 'read_only',
      SERVICES: ' Character , presence',
    });
    expect(config.port).toBe(9090);
    expect(config.logLevel).toBe('debug');
    expect(config.serviceMode).toBe('READ_ONLY');
    expect([...config.services].sort()).toEqual(['character', 'presence']);
  });

  it('accepts REST_PORT=0 (any free port) and logrus level names', () => {
    expect(loadConfig({ REST_PORT: '0' }).port).toBe(0);
    expect(loadConfig({ LOG_LEVEL: 'warning' }).logLevel).toBe('warn');
    expect(loadConfig({ LOG_LEVEL: 'panic' }).logLevel).toBe('fatal');
  });

  it('moves the embedded database with DATA_DIR', () => {
    const config = loadConfig({ DATA_DIR: '/tmp/atlas-somewhere', EMBEDDED_DB_PORT: '5433' });
    expect(config.dataDir).toBe('/tmp/atlas-somewhere');
    expect(config.database).toEqual({
      kind: 'embedded',
      dataDir: '/tmp/atlas-somewhere/postgres',
      port: 5433,
    });
  });

  it('uses DATABASE_URL as the external database', () => {
    expect(loadConfig({ DATABASE_URL: 'postgresql://u:p@db:5432/atlas' }).database).toEqual({
      kind: 'external',
      url: 'postgresql://u:p@db:5432/atlas',
    });
  });

  it('builds the URL from the DB_* parts, escaping user and password', () => {
    const config = loadConfig({
      DB_HOST: 'db.example',
      DB_PORT: '6543',
      DB_USER: 'atlas user',
      DB_PASSWORD: 'p@ss/word',
      DB_NAME: 'atlas-characters',
    });
    expect(config.database).toEqual({
      kind: 'external',
      url: 'postgres://atlas%20user:p%40ss%2Fword@db.example:6543/atlas-characters',
    });
  });

  it('fills DB_* defaults when only DB_HOST is set', () => {
    expect(loadConfig({ DB_HOST: 'db' }).database).toEqual({
      kind: 'external',
      url: 'postgres://postgres@db:5432/atlas-characters',
    });
  });

  it('prefers DATABASE_URL over the DB_* parts', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://a@b/c', DB_HOST: 'other' });
    expect(config.database).toEqual({ kind: 'external', url: 'postgres://a@b/c' });
  });

  it('falls back to BASE_SERVICE_URL for each service and ends every URL with a slash', () => {
    const config = loadConfig({
      BASE_SERVICE_URL: 'http://atlas-ingress.atlas.svc.cluster.local:80/api',
      MAPS_SERVICE_URL: 'http://maps:8080/api/',
      TENANTS_SERVICE_URL: 'https://tenants/api',
    });
    expect(config.serviceUrls).toMatchObject({
      data: 'http://atlas-ingress.atlas.svc.cluster.local:80/api/',
      skills: 'http://atlas-ingress.atlas.svc.cluster.local:80/api/',
      effectiveStats: 'http://atlas-ingress.atlas.svc.cluster.local:80/api/',
      tenants: 'https://tenants/api/',
      maps: 'http://maps:8080/api/',
    });
    expect(config.serviceUrls.worlds).toBe('http://atlas-ingress.atlas.svc.cluster.local:80/api/');
    expect(config.serviceUrls.merchants).toBe('http://atlas-ingress.atlas.svc.cluster.local:80/api/');
  });

  it('sets one service consumer group with KAFKA_CONSUMER_GROUP when one Atlas service runs', () => {
    const config = loadConfig({
      SERVICES: 'character,presence',
      KAFKA_CONSUMER_GROUP: 'Character Service pr-7',
    });
    expect(config.consumerGroups.character).toBe('Character Service pr-7');
    expect(config.consumerGroups.transports).toBe('Transport Service');
  });

  it('reads topic variables', () => {
    const config = loadConfig({ EVENT_TOPIC_CHARACTER_STATUS: 'EVENT_TOPIC_CHARACTER_STATUS-main' });
    expect(config.topics.EVENT_TOPIC_CHARACTER_STATUS).toBe('EVENT_TOPIC_CHARACTER_STATUS-main');
    expect(config.topics.COMMAND_TOPIC_CHARACTER).toBe('COMMAND_TOPIC_CHARACTER');
  });

  it('lets overrides win over the environment', () => {
    const config = loadConfig(
      {
        REST_PORT: '9090',
        HOST: '0.0.0.0',
        SERVICES: 'character',
        DATA_DIR: '/tmp/env-dir',
        DATABASE_URL: 'postgres://env/db',
        CONFIG_FILE: '/tmp/env.json',
        LOG_LEVEL: 'debug',
      },
      {
        port: 0,
        host: '127.0.0.1',
        services: ['presence'],
        dataDir: '/tmp/option-dir',
        databaseUrl: 'postgres://option/db',
        configFile: '/tmp/option.json',
        logLevel: 'silent',
      },
    );
    expect(config.port).toBe(0);
    expect(config.host).toBe('127.0.0.1');
    expect([...config.services]).toEqual(['presence']);
    expect(config.dataDir).toBe('/tmp/option-dir');
    expect(config.database).toEqual({ kind: 'external', url: 'postgres://option/db' });
    expect(config.configFile).toBe('/tmp/option.json');
    expect(config.logLevel).toBe('silent');
  });

  it('an overriding port wins even over a bad REST_PORT', () => {
    expect(loadConfig({ REST_PORT: 'abc' }, { port: 1234 }).port).toBe(1234);
  });
});

describe('LOCATION_OWNER (decisions §F3)', () => {
  it.each([
    [{}, 'maps'],
    [{ SERVICES: 'character,transports' }, 'character'],
    // MAPS_SERVICE_URL alone keeps the reference's answer (§F5): the atlas-maps of either era answers it.
    [{ SERVICES: 'character,transports', MAPS_SERVICE_URL: 'http://maps/' }, 'character'],
    [{ SERVICES: 'character', LOCATION_OWNER: 'maps' }, 'maps'],
    [{ LOCATION_OWNER: ' Character ' }, 'character'],
  ])('%j → %s', (env, owner) => {
    expect(loadConfig(env).locationOwner).toBe(owner);
  });
});

describe('loadConfig errors name the variable', () => {
  it.each([
    { env: { REST_PORT: 'abc' }, variable: 'REST_PORT' },
    { env: { REST_PORT: '70000' }, variable: 'REST_PORT' },
    { env: { REST_PORT: '-1' }, variable: 'REST_PORT' },
    { env: { REST_PORT: '80.5' }, variable: 'REST_PORT' },
    { env: { LOG_LEVEL: 'loud' }, variable: 'LOG_LEVEL' },
    { env: { SERVICE_MODE: 'x' }, variable: 'SERVICE_MODE' },
    { env: { DATABASE_URL: 'mysql://u@h/db' }, variable: 'DATABASE_URL' },
    { env: { DB_HOST: 'db', DB_PORT: 'five' }, variable: 'DB_PORT' },
    { env: { EMBEDDED_DB_PORT: '99999' }, variable: 'EMBEDDED_DB_PORT' },
    { env: { BASE_SERVICE_URL: 'not a url' }, variable: 'BASE_SERVICE_URL' },
    { env: { BASE_SERVICE_URL: 'ftp://host/api/' }, variable: 'BASE_SERVICE_URL' },
    { env: { DATA_SERVICE_URL: 'nope' }, variable: 'DATA_SERVICE_URL' },
    { env: { SERVICES: 'foo' }, variable: 'SERVICES' },
    { env: { SERVICES: 'character,foo' }, variable: 'SERVICES' },
    { env: { KAFKA_CONSUMER_GROUP: 'g' }, variable: 'KAFKA_CONSUMER_GROUP' },
    {
      env: { SERVICES: 'character,transports', KAFKA_CONSUMER_GROUP: 'g' },
      variable: 'KAFKA_CONSUMER_GROUP',
    },
    { env: { BOOTSTRAP_SERVERS: 'not a broker' }, variable: 'BOOTSTRAP_SERVERS' },
    { env: { OUTBOUND_TIMEOUT_MS: '0' }, variable: 'OUTBOUND_TIMEOUT_MS' },
    { env: { LOCATION_OWNER: 'presence' }, variable: 'LOCATION_OWNER' },
  ])('$env → $variable', ({ env, variable }) => {
    const error = configError(env);
    expect(error.variable).toBe(variable);
    expect(error.message.startsWith(`${variable}:`)).toBe(true);
  });

  it('quotes the bad value', () => {
    expect(configError({ REST_PORT: '70000' }).message).toContain('"70000"');
    expect(configError({ LOG_LEVEL: 'loud' }).message).toContain('"loud"');
  });

  it('checks an overriding log level too', () => {
    expect(configError({}, { logLevel: 'loud' as LogLevel }).variable).toBe('LOG_LEVEL');
  });
});
