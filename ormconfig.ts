// TypeORM CLI entry: `typeorm migration:run -d dist/ormconfig.js` (see package.json scripts).
// Same entities and migrations as the server; connection settings from the environment.
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from './src/config/config.schema.js';
import { dataSourceOptions } from './src/storage/postgres/postgres-options.js';

export default new DataSource(dataSourceOptions(loadConfig(process.env).postgres, { migrations: true }));
