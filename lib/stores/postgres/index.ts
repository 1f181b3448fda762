export { PostgresStore } from './postgres.store';
export type { PostgresQueryable, PostgresStoreConnectOptions, PostgresStoreOptions } from './postgres.store';
export { POSTGRES_SESSION_TABLE_SQL, postgresSessionSql } from './postgres-schema';
export type { PostgresSchemaNames } from './postgres-schema';
