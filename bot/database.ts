import { connectDatabase, type DatabaseHandle } from '../db/client';
import { startEmbeddedPostgres } from '../db/embedded';
import { migrateDatabase } from '../db/migrate';

export type OpenDatabase = DatabaseHandle & { url: string; embedded: boolean };

/**
 * The database named by DATABASE_URL, or the embedded one under DATA_DIR; migrated either way.
 * Closing it also stops the embedded server.
 */
export async function openDatabase(
  options: { databaseUrl: string | undefined; dataDir: string },
  log: (line: string) => void = () => {},
): Promise<OpenDatabase> {
  const embedded = options.databaseUrl ? undefined : await startEmbeddedPostgres(options.dataDir, log);
  const url = options.databaseUrl ?? (embedded?.url as string);
  // Room for the workers' concurrent jobs (10 timer, 20 delivery) beside the web requests. Kept
  // open when idle: a burst after a quiet spell (reminders due at the hour) would otherwise start
  // on new server backends, whose caches and prepared statements are all cold.
  const handle = connectDatabase(url, { max: 20, keepIdle: true });
  try {
    await migrateDatabase(handle.db);
  } catch (error) {
    await handle.close();
    await embedded?.stop();
    throw error;
  }
  return {
    ...handle,
    url,
    embedded: Boolean(embedded),
    close: async () => {
      await handle.close();
      await embedded?.stop();
    },
  };
}
