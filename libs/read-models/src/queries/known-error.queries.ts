import type { Kysely } from 'kysely';
import type { KnownErrorLink } from '../known-errors/known-errors.projection';
import { decodeCursor, encodeCursor } from './cursor';
import { pageSize } from './incident.queries';
import type { Page, PageRequest, ReadModelTables, TenantScope } from './read-model.tables';

export interface KnownErrorItem {
  readonly id: string;
  readonly title: string;
  readonly status: string;
  readonly rootCause: string | null;
  readonly workaround: string | null;
  readonly publishedAt: string;
  /** For a customer lead, only its own customer's incidents. */
  readonly linkedIncidents: readonly KnownErrorLink[];
}

const SORT = 'published_at';

/** The knowledge base: published known errors, the most recently published first. */
export class KnownErrorQueries {
  private readonly db: Kysely<ReadModelTables>;

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the read store's untyped handle
  constructor(db: Kysely<any>) {
    this.db = db as Kysely<ReadModelTables>;
  }

  async list(page: PageRequest, scope: TenantScope): Promise<Page<KnownErrorItem>> {
    const limit = pageSize(page.limit);
    let query = this.db
      .selectFrom('known_errors')
      .selectAll()
      .where('published_at', 'is not', null);
    if (page.cursor !== undefined) {
      const after = decodeCursor(page.cursor, SORT);
      const key = String(after.key);
      query = query.where((eb) =>
        eb.or([
          eb('published_at', '<', key),
          eb.and([eb('published_at', '=', key), eb('id', '<', after.id)]),
        ]),
      );
    }
    const rows = await query
      .orderBy('published_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    const items = rows.slice(0, limit).map((row): KnownErrorItem => {
      const links = JSON.parse(row.linked_incidents) as KnownErrorLink[];
      return {
        id: row.id,
        title: row.title,
        status: row.status,
        rootCause: row.root_cause,
        workaround: row.workaround,
        publishedAt: row.published_at!,
        linkedIncidents:
          scope.customerId === undefined
            ? links
            : links.filter((link) => link.customerId === scope.customerId),
      };
    });
    const last = items.at(-1);
    return {
      items,
      nextCursor:
        rows.length > limit && last ? encodeCursor(SORT, last.publishedAt, last.id) : null,
    };
  }
}
