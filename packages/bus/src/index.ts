export { BusError, BUS_ERROR_CODES, errorMessage, type BusErrorCode } from "./errors.ts";
export { connectNats, natsServers, type NatsConnectOptions } from "./nats-connection.ts";
export {
  NATS_SERVICE_USERS, natsInboxPrefix, natsPasswordVariable, renderNatsUsers, toolDurableName,
  type NatsServiceUser, type NatsToolUser, type NatsUsersOptions,
} from "./nats-auth.ts";
export {
  DEFAULT_DUPLICATE_WINDOW_MS,
  DEFAULT_EVENTS_MAX_AGE_MS,
  DEFAULT_EVENTS_STREAM,
  DEFAULT_GATEWAY_STREAM,
  ensureEventsStream,
  ensureGatewayMirror,
  gatewayMirrorConfig,
  type GatewayMirrorOptions,
  ensureStream,
  eventsStreamConfig,
  jobsStreamConfig,
  type EventsStreamOptions,
  type JobsStreamOptions,
} from "./streams.ts";
export { durableConsumerConfig, ensureDurableConsumer, type DurableConsumerOptions } from "./consumers.ts";
export { publishEnvelope, subjectOf, type PublishOptions } from "./publisher.ts";
export { OutboxRelay, type OutboxRelayOptions, type RelayBatchResult, type RelayObserver } from "./outbox-relay.ts";
export { publishPipelined, type PipelinedMessage, type PublishOutcome } from "./pipelined-publish.ts";
export { republishOutbox, type RepublishOptions, type RepublishRange, type RepublishResult } from "./outbox-republish.ts";
export { defineHandler, handlerFor, operationKeyOf, type EnvelopeFor, type EventHandler, type HandlerContext } from "./handler.ts";
export { applyOnce, type ApplyOutcome } from "./apply-once.ts";
export type {
  DeadLetter, DeadLetterInput, DeadLetterStore, JobLedger, JobRunFailure, JobRunStart, OutboxBatchOutcome, OutboxCursor,
  OutboxRange, OutboxRangeRow, OutboxRow, OutboxRowError, OutboxStore, OutboxWakeups, ReplayRecord,
} from "./ports.ts";
export { replayDeadLetters, type DeadLetterReplayOptions, type ReplayResult, type ReplayTarget } from "./dead-letter-replay.ts";
export { ConsumerRunner, DEFAULT_BACKOFF_MS, type ConsumerRunnerOptions } from "./consumer-runner.ts";
export type { ProcessorHooks } from "./message-processor.ts";
export { tailEvents, type TailedMessage } from "./events-tail.ts";
export { defaultLogger, type Logger } from "./logger.ts";
export { watchNatsLink } from "./nats-link.ts";
