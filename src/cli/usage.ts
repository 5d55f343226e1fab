// What `parley help` prints, and what an unknown command or option is answered with.

export const USAGE = `Usage: parley <command> [options]

Commands:
  serve [--port P] [--host H] [--database-url URL]
                                          run the API server (migrates the database first)
  migrate [--database-url URL]            create the database or bring its schema up to date, and exit
  accounts create [--name N] [--rate-limit R] [--rate-burst B]
                                          a new account: prints its SID and auth token
  accounts list                           every account
  accounts set AC… [--name N] [--rate-limit R|off|default] [--rate-burst B|off|default]
  accounts token AC…                      the account's auth token (and secondary token, if any)
  accounts secondary-token AC…            a new secondary token: authenticates beside the auth token
  accounts secondary-token AC… --promote  the secondary token becomes the auth token (signs callbacks);
                                          the old auth token stops working
  accounts secondary-token AC… --delete   the secondary token stops working
  accounts delete AC…                     the account and everything it owns, in one transaction
  keys create --account AC… [--name N]    a new API key: prints its SID and secret (shown once)
  keys list --account AC…                 the account's API keys
  keys revoke SK…                         the key stops working (within 5 seconds on a running server)
  erase-number +1… --account AC…          erase one person's number from the account (prints counts)
  import twilio-proxy --account-sid AC… --auth-token T [--service KS…] [--include-closed]
        [--interactions] [--dry-run] [--keep-auth-token] [--concurrency N] [--from-url URL]
                                          copy the account's Proxy data from Twilio (SIDs kept; a second
                                          run updates, never duplicates): services, pools, open and
                                          in-progress sessions (closed too with --include-closed),
                                          participants and their numbers, interactions (--interactions);
                                          into account AC…, created if missing (new auth token printed,
                                          or Twilio's with --keep-auth-token); --dry-run writes nothing.
                                          Exit 3: some records refused (listed); 1: the import stopped
  backup FILE [--force]                   SQLite: a consistent copy of the database, taken while the server
                                          runs, checked, then put under FILE (--force replaces one there);
                                          PostgreSQL: prints the pg_dump command to run
  restore FILE                            SQLite: FILE (a backup) becomes the database, which must be absent
                                          or empty; migrated forward if older. PostgreSQL: checks the
                                          database is empty, prints the pg_restore command to run
  version, --version                      print Parley's version
  help, --help                            show this text

Every command but serve, migrate and restore works on an existing database only. Every command that opens
the database takes --database-url, which overrides DATABASE_URL (serve's --port and --host override
PORT and HOST). The rest of the configuration comes from the environment (PARLEY_ACCOUNT_SID,
PARLEY_AUTH_TOKEN, PARLEY_PUBLIC_URL, ...); see the README.
`;
