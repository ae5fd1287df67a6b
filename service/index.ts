/** service/: pswb serve, the connector running all day: the ingest API, the worker, health. */
export { createServiceApp, eventView, type HealthReport, type ServiceAppOptions } from './app.ts';
export { createApiKey } from './keys.ts';
export { startService, type RunningService, type ServiceOptions } from './service.ts';
export { OutboxWorker, type WorkerOptions, type WorkerStatus } from './worker.ts';
