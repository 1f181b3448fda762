// Generated from README.md line 828 by test/readme/extract-snippets.mjs: edit the README.
import { Pool } from 'pg';
import { createPool } from 'mysql2/promise';
import { MySqlStore, PostgresStore, SessionModule } from 'nest-sessions';

// PostgreSQL 12+ through pg: your pool (you end it); createTable makes the table at start-up.
SessionModule.forRoot({
  store: new PostgresStore({ pool: new Pool({ connectionString: process.env.DATABASE_URL }), createTable: true }),
});

// MySQL 8 or MariaDB 10.11+ through mysql2: the URL names the database.
SessionModule.forRoot({ store: new MySqlStore({ pool: createPool(process.env.MYSQL_URL!), createTable: true }) });

// or let the store own (and end on shutdown) its pool:
SessionModule.forRoot({ store: PostgresStore.connect('postgres://app@db/app', { table: 'web_sessions' }) });
SessionModule.forRoot({ store: MySqlStore.connect('mysql://app:secret@db/app') });
