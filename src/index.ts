/** The programmatic API: start the services in-process, drive them through HTTP and the bus. */
export {
  type App,
  type AppBus,
  type PublishOptions,
  type ReceivedMessage,
  StartAborted,
  type StartOptions,
  start,
  type Unsubscribe,
} from './app.js';
export type { DeadLetter } from './platform/bus/bus.js';
export { type Clock, ManualClock, SystemClock, type TimerHandle } from './platform/clock.js';
export { type Config, ConfigError, type LogLevel, type ServiceName } from './platform/config.js';
export type { Random } from './platform/service.js';
export type { Tenant } from './platform/tenant.js';
export type { TopicVariable } from './platform/topics.js';
export { integerKey, readIntegerKey, uuidKey } from './platform/wire/keys.js';
