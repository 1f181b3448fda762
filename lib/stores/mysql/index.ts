export { MySqlStore } from './mysql.store';
export type { MySqlQueryable, MySqlStoreConnectOptions, MySqlStoreOptions } from './mysql.store';
export { MYSQL_SESSION_TABLE_SQL, mysqlSessionStatements } from './mysql-schema';
