// On PostgreSQL, `parley backup` and `parley restore` do not copy data themselves: pg_dump and
// pg_restore do it better (a consistent snapshot that blocks no writer; parallel jobs; tooling an
// operator already trusts). Parley prints the commands that fit its database, ready to paste, with
// the password left out of them: a command line lands in shell history and in `ps` output.

/** The URL without its password (in the user part or as ?password=), for a command line. */
export function withoutPassword(databaseUrl: string): { url: string; hadPassword: boolean } {
  const url = new URL(databaseUrl);
  const hadPassword = url.password !== '' || url.searchParams.has('password');
  url.password = '';
  url.searchParams.delete('password');
  return { url: url.toString(), hadPassword };
}

/** Single-quoted for a POSIX shell: nothing inside is expanded. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

export function pgDumpCommand(databaseUrl: string, file: string): string {
  return `pg_dump --format=custom --no-owner --file=${shellQuote(file)} ${shellQuote(withoutPassword(databaseUrl).url)}`;
}

/**
 * --clean --if-exists: Parley's tables may already be there, empty (`parley migrate` made them);
 * they are dropped and recreated from the dump. One transaction: a failure leaves nothing behind.
 */
export function pgRestoreCommand(databaseUrl: string, file: string): string {
  const target = shellQuote(withoutPassword(databaseUrl).url);
  return `pg_restore --clean --if-exists --no-owner --single-transaction --exit-on-error --dbname=${target} ${shellQuote(file)}`;
}

export const PASSWORD_ADVICE =
  'The password is left out: give it to the command as PGPASSWORD=… in its environment, or in ~/.pgpass ' +
  '(host:port:database:user:password, mode 0600).';
