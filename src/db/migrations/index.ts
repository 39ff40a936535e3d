// The list of migrations, in order. Listed statically rather than read from
// disk so that they run the same under tsx, from a build, or from a bundle.
import type { Migration } from 'kysely';
import * as initialSchema from './0001_initial_schema.ts';
import * as chatTurns from './0003_chat_turns.ts';
import * as apiKeys from './0004_api_keys.ts';
import * as taskModel from './0005_task_model.ts';

export const migrations: Readonly<Record<string, Migration>> = {
  '0001_initial_schema': initialSchema,
  '0003_chat_turns': chatTurns,
  '0004_api_keys': apiKeys,
  '0005_task_model': taskModel,
};
