import type { Database } from "@/db/client";

/** What {@link recordStatements} saw: each statement's first line, in order. */
export interface StatementLog {
  readonly statements: string[];
  /** Restores the database's own methods; the log keeps what it has. */
  stop(): void;
}

interface Session {
  prepareQuery: (query: { sql: string }, ...rest: unknown[]) => unknown;
}

/**
 * Records every statement `database` sends from now on until `stop()`: each query drizzle
 * prepares, on the database or inside any transaction (drizzle sends every built or raw query of
 * a session through its `prepareQuery`, pg-core/session.js; a transaction's session is of the
 * same class, so the class's method is wrapped), and "BEGIN" / "COMMIT" (or "ROLLBACK") around
 * each top-level `db.transaction`, which both drivers send as statements of their own. Each entry
 * is the statement's text with whitespace collapsed. For one test file at a time (it wraps a
 * class method of the driver's session).
 */
export function recordStatements(database: Database): StatementLog {
  const statements: string[] = [];
  const db = database.db as unknown as { session: Session; transaction: (fn: (tx: unknown) => Promise<unknown>, config?: unknown) => Promise<unknown> };
  const proto = Object.getPrototypeOf(db.session) as Session;
  const ownPrepare = Object.prototype.hasOwnProperty.call(proto, "prepareQuery") ? proto.prepareQuery : undefined;
  const basePrepare = proto.prepareQuery;
  proto.prepareQuery = function (this: Session, query: { sql: string }, ...rest: unknown[]) {
    statements.push(query.sql.replace(/\s+/g, " ").trim());
    return basePrepare.call(this, query, ...rest);
  };
  const transaction = db.transaction;
  db.transaction = async function (fn, config) {
    statements.push("BEGIN");
    try {
      const result = await transaction.call(db, fn, config);
      statements.push("COMMIT");
      return result;
    } catch (err) {
      statements.push("ROLLBACK");
      throw err;
    }
  };
  return {
    statements,
    stop() {
      if (ownPrepare) proto.prepareQuery = ownPrepare;
      else delete (proto as Partial<Session>).prepareQuery;
      db.transaction = transaction;
    },
  };
}
