/** service/: pswb serve, the connector running all day: the ingest API, the worker, health. */
export {};
