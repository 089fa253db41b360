/**
 * The mailboxes' Lua scripts. Every step that decides who drains a chat is one script, so an item enqueued while a drain
 * finishes is either seen by that drain or schedules a new one, never neither.
 *
 * Keys under `<prefix>:mb:`: `list:<chat>` (the chat's items), `scheduled` (chats with items not yet drained, by time),
 * `ready` (scheduled chats no drain has taken yet), `tickets` (drain jobs added and not yet started), `lock:<chat>`,
 * `fail:<chat>`, `seen:<id>`.
 */

// Append an item and, when the chat was not scheduled, put it on the ready list; a drain job is wanted (1) only when fewer
// than ARGV[7] are already waiting to start, since each one takes many ready chats. The seen-key holds a token unique to
// this call: if ioredis re-sends the script after Redis went away (the first run succeeded, its reply was lost), the re-run
// recognises its own token and answers 2 ("queued; make sure a drain runs") instead of "duplicate".
export const ENQUEUE = `
if ARGV[5] == '1' then
  if not redis.call('SET', KEYS[3], ARGV[6], 'NX', 'EX', ARGV[4]) then
    if redis.call('GET', KEYS[3]) == ARGV[6] then return 2 end
    return -1
  end
end
redis.call('RPUSH', KEYS[1], ARGV[1])
if redis.call('ZADD', KEYS[2], 'NX', ARGV[3], ARGV[2]) == 1 then
  redis.call('RPUSH', KEYS[4], ARGV[2])
  if tonumber(redis.call('GET', KEYS[5]) or '0') < tonumber(ARGV[7]) then
    redis.call('INCR', KEYS[5])
    return 1
  end
  return 3
end
return 0`;

// A drain job starts: it is no longer waiting (one ticket less), takes up to ARGV[4] ready chats, locks each one that no
// other drain holds and reads its first items. A chat held by another drain is left to it: a holder only lets go once the
// chat's list is empty (COMMIT), or it fails and schedules a retry, or it dies and the sweeper finds the chat. When ready
// chats are left over, one more drain job is wanted (first element 1), so work spreads over workers and processes.
export const TAKE = `
if tonumber(redis.call('GET', KEYS[2]) or '0') > 0 then redis.call('DECR', KEYS[2]) end
local taken = redis.call('LPOP', KEYS[1], tonumber(ARGV[4]))
local out = {}
if taken then
  for _, key in ipairs(taken) do
    local lock = ARGV[6] .. 'lock:' .. key
    local cur = redis.call('GET', lock)
    if not cur or cur == ARGV[1] then
      redis.call('SET', lock, ARGV[1], 'PX', ARGV[2])
      table.insert(out, key)
      table.insert(out, redis.call('LRANGE', ARGV[6] .. 'list:' .. key, 0, tonumber(ARGV[3]) - 1))
    end
  end
end
local more = 0
if redis.call('LLEN', KEYS[1]) > 0 and tonumber(redis.call('GET', KEYS[2]) or '0') < tonumber(ARGV[5]) then
  redis.call('INCR', KEYS[2])
  more = 1
end
return {more, out}`;

// Put a chat back on the ready list (a drain yielding after its share); 1 when a drain job is wanted.
export const REQUEUE = `
redis.call('RPUSH', KEYS[1], ARGV[1])
if tonumber(redis.call('GET', KEYS[2]) or '0') < tonumber(ARGV[2]) then
  redis.call('INCR', KEYS[2])
  return 1
end
return 0`;

// Remove the handled items and, if nothing is left, finish the drain (unschedule + unlock) in one step, so an item
// enqueued concurrently either is seen now or schedules a new drain. Fenced by the lock token: a drain whose lock expired
// (and may now be held by another drain) must not trim, or it would drop items the new holder has not handled yet.
// Idempotent: ioredis re-sends a command whose reply was lost when Redis went away (autoResendUnfulfilledCommands), so
// the trim only happens while the last handled item (ARGV[5]) is still where this drain saw it.
export const COMMIT = `
if redis.call('GET', KEYS[3]) ~= ARGV[3] then return -1 end
local n = tonumber(ARGV[1])
if n > 0 and redis.call('LINDEX', KEYS[1], n - 1) == ARGV[5] then redis.call('LTRIM', KEYS[1], n, -1) end
redis.call('DEL', KEYS[4])
if redis.call('LLEN', KEYS[1]) == 0 then
  redis.call('ZREM', KEYS[2], ARGV[2])
  redis.call('DEL', KEYS[3])
  return 1
end
redis.call('PEXPIRE', KEYS[3], ARGV[4])
return 0`;

// Take one named chat's lock and read its first batch (a retry or a sweeper's job; nil when another drain holds it).
// Idempotent for its holder: when Redis goes away after the SET but before the reply, ioredis re-sends it, and a plain
// SET NX would then find "someone else's" lock (ours) and stall the chat until it expires.
export const LOCK_READ = `
local cur = redis.call('GET', KEYS[1])
if cur and cur ~= ARGV[1] then return false end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return redis.call('LRANGE', KEYS[2], 0, tonumber(ARGV[3]) - 1)`;

export const UNLOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
