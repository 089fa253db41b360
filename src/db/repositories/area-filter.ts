import { sql, type SQL } from 'drizzle-orm';
import { schema } from '../client.js';

/**
 * The escalations a user limited to `areas` may see in the queue: those of chats whose case lies in one of the areas
 * (a kecamatan code starts with its kota's), those whose case names no known area, and those the user holds. Uses the
 * `area_code()` SQL function registered in client.ts, so free-text areas ("Tebet, Jakarta Selatan") match their codes.
 */
export function escalationInAreas(areas: readonly string[], userId: number): SQL {
  const e = schema.escalations;
  const inAny = sql.join(
    areas.map((a) => sql`(area_code(k.area) = ${a} OR area_code(k.area) LIKE ${`${a}.%`})`),
    sql` OR `,
  );
  return sql`(${e.assigneeId} = ${userId} OR ${e.conversationId} IN (SELECT c.id FROM conversations c LEFT JOIN cases k ON k.id = c.case_id WHERE area_code(k.area) IS NULL OR ${inAny}))`;
}
