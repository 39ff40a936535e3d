// The floor: the statements the services send, as the bench sends them with
// no service layer and no row-level-security transaction around them.

export const SAVE_SQL = `with conversation as (
    update conversations set message_count = message_count + 1
    where user_id = $1 and id = $2 returning message_count)
  insert into messages (user_id, conversation_id, seq, role, content, metadata, idempotency_key)
  select $1, $2, conversation.message_count, $3, $4, $5::jsonb, $6 from conversation
  returning id, user_id, conversation_id, seq, role, content, metadata, created_at`;
export const HISTORY_SQL = `select c.message_count, m.* from conversations c
  left join lateral (
    select id, user_id, conversation_id, seq, role, content, metadata, created_at from messages
    where user_id = $1 and conversation_id = $2 order by seq desc limit $3) m on true
  where c.user_id = $1 and c.id = $2`;
export const LIST_SQL = `select * from (
    (select * from conversations where user_id = $1 and status = 'active' order by updated_at desc, id desc limit $2)
    union all
    (select * from conversations where user_id = $1 and status = 'archived' order by updated_at desc, id desc limit $2)
  ) as page order by updated_at desc, id desc limit $2`;

export interface Fixture {
  userId: string;
  small: string;
  big: string;
  /** Conversations for saves: 32 for todochat, 32 for the floor, 32 for HTTP. */
  writers: string[];
  listUser: string;
}
