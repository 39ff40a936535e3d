// Each limit is defined once, in its domain module; the migration's CHECK
// constraints must hold the same numbers, or the database and the service
// would disagree about what is allowed. This reads the constraints from the
// catalog, so a new migration that changes one without the constant fails here.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import { API_KEY_NAME_MAX } from '../../src/api-keys/api-key.ts';
import {
  ASSISTANT_MESSAGE_MAX,
  CONVERSATION_TITLE_MAX,
  IDEMPOTENCY_KEY_MAX,
  METADATA_MAX_BYTES,
  USER_MESSAGE_MAX,
} from '../../src/conversations/conversation.ts';
import { TASK_DESCRIPTION_MAX, TASK_TITLE_MAX } from '../../src/tasks/task.ts';
import { EMAIL_MAX_LENGTH, EMAIL_MIN_LENGTH } from '../../src/users/user.ts';
import { describeStore } from '../support/databases.ts';

/** The integers a constraint's definition names, in order: `BETWEEN 1 AND 200` → [1, 200]. */
function numbersIn(definition: string): number[] {
  // Drop quoted literals ('user') so that only the bounds are left.
  const bare = definition.replaceAll(/'[^']*'/g, '');
  return [...bare.matchAll(/\b\d+\b/g)].map((match) => Number(match[0]));
}

const expected: Readonly<Record<string, readonly number[]>> = {
  users_email_length: [EMAIL_MIN_LENGTH, EMAIL_MAX_LENGTH],
  tasks_title_length: [1, TASK_TITLE_MAX],
  tasks_description_length: [TASK_DESCRIPTION_MAX],
  conversations_title_length: [1, CONVERSATION_TITLE_MAX],
  messages_user_content_length: [USER_MESSAGE_MAX],
  messages_content_length: [ASSISTANT_MESSAGE_MAX],
  messages_idempotency_key_length: [1, IDEMPOTENCY_KEY_MAX],
  api_keys_name_length: [1, API_KEY_NAME_MAX],
};

describeStore('limits', (ctx) => {
  async function definitions(): Promise<Map<string, string>> {
    const result = await sql<{ name: string; definition: string }>`
      select con.conname as name, pg_get_constraintdef(con.oid) as definition
      from pg_constraint con
      join pg_namespace n on n.oid = con.connamespace
      where n.nspname = 'public' and con.contype = 'c'`.execute(ctx.store.database);
    return new Map(result.rows.map((row) => [row.name, row.definition]));
  }

  it('holds the same numbers in the CHECK constraints as in the domain constants', async () => {
    const checks = await definitions();
    for (const [name, numbers] of Object.entries(expected)) {
      const definition = checks.get(name);
      assert.ok(definition !== undefined, `constraint ${name} is missing`);
      assert.deepEqual(numbersIn(definition), numbers, `${name}: ${definition}`);
    }
  });

  it('lets the database hold any metadata the service accepts', async () => {
    const definition = (await definitions()).get('messages_metadata_size');
    assert.ok(definition !== undefined);
    const [bytes] = numbersIn(definition);
    assert.ok(bytes !== undefined && bytes >= METADATA_MAX_BYTES, definition);
  });
});
