import { openDatabase } from '../bot/database';

// Applies the committed migrations to DATABASE_URL, or to the embedded database under DATA_DIR.
const database = await openDatabase({
  databaseUrl: process.env.DATABASE_URL || undefined,
  dataDir: process.env.DATA_DIR || '.data',
});
await database.close();
process.stdout.write(
  `Migrations applied to ${database.embedded ? 'the embedded database' : 'DATABASE_URL'}.\n`,
);
