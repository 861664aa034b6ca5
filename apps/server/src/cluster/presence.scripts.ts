/*
 * The Lua scripts behind cluster-wide presence (redis.presence.ts). Redis runs each one
 * atomically, so two nodes can never both see a user's last connection go, or both flip
 * them online: whoever's script flips the shown state is the only one who announces it.
 *
 * Keys, under `<prefix>` (the cluster's key prefix followed by `:presence:`):
 *   conns:<user>    hash: instance id -> that node's open connections (no zero fields)
 *   inst:<id>       set: users with a connection on that node (to reap it when it dies)
 *   alive:<id>      the node's heartbeat, expiring unless the node beats again
 *   instances       set: every node that registered, dead or alive
 *   online          hash: user -> 1 while others are shown the user online (grace included)
 *   pending         sorted set: users with no connection left, scored by when they go offline
 *
 * Key names are built inside the scripts, from ARGV: fine on one Redis (or a replicated
 * one), not on Redis Cluster, whose slots would need every key declared.
 */

/** Milliseconds from Redis's own clock, so the nodes' clocks never have to agree. */
const NOW = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`;

/**
 * Drops a node's share of every user it held; a user left with no connection anywhere,
 * and still shown online, goes offline at `due` (in the pending set).
 */
const DROP_INSTANCE = `
local function drop_instance(p, inst, due)
  local members = p .. 'inst:' .. inst
  for _, user in ipairs(redis.call('SMEMBERS', members)) do
    local conns = p .. 'conns:' .. user
    redis.call('HDEL', conns, inst)
    if redis.call('EXISTS', conns) == 0 and redis.call('HEXISTS', p .. 'online', user) == 1 then
      redis.call('ZADD', p .. 'pending', due, user)
    end
  end
  redis.call('DEL', members)
end
`;

/**
 * This node now holds `count` connections of `user` (absolute, not a delta, so a command
 * replayed after an outage or overtaken by a resync cannot skew the count).
 * ARGV: prefix, instance id, user, count, grace ms.
 * Returns {1, 0}: announce online; {2, ms}: no connection left anywhere, settle in ms;
 * {0, 0}: nothing changed for others.
 */
export const SET_COUNT_LUA = `${NOW}
local p, inst, user = ARGV[1], ARGV[2], ARGV[3]
local count, grace = tonumber(ARGV[4]), tonumber(ARGV[5])
local conns = p .. 'conns:' .. user
if count > 0 then
  redis.call('HSET', conns, inst, count)
  redis.call('SADD', p .. 'inst:' .. inst, user)
  -- Back within the grace delay (on any node): nobody ever saw them leave.
  redis.call('ZREM', p .. 'pending', user)
  if redis.call('HSETNX', p .. 'online', user, 1) == 1 then return {1, 0} end
  return {0, 0}
end
redis.call('HDEL', conns, inst)
redis.call('SREM', p .. 'inst:' .. inst, user)
if redis.call('EXISTS', conns) == 1 or redis.call('HEXISTS', p .. 'online', user) == 0 then return {0, 0} end
-- A later deadline replaces an earlier one: the grace counts from the last connection's close.
redis.call('ZADD', p .. 'pending', now_ms() + grace, user)
return {2, grace}
`;

/**
 * The grace delay of `user` may be over. ARGV: prefix, user.
 * Returns {1, 0}: announce offline (only the first caller gets it); {2, ms}: not yet, ask
 * again in ms (a later close restarted the delay); {0, 0}: back online, or already settled.
 */
export const SETTLE_LUA = `${NOW}
local p, user = ARGV[1], ARGV[2]
local due = redis.call('ZSCORE', p .. 'pending', user)
if not due then return {0, 0} end
if redis.call('EXISTS', p .. 'conns:' .. user) == 1 then
  redis.call('ZREM', p .. 'pending', user)
  return {0, 0}
end
local left = tonumber(due) - now_ms()
if left > 0 then return {2, left} end
redis.call('ZREM', p .. 'pending', user)
return {redis.call('HDEL', p .. 'online', user), 0}
`;

/**
 * A node's heartbeat, and its share of the cluster's housekeeping: nodes whose heartbeat
 * expired lose their connections (their users are gone longer than any grace delay, so
 * they are due at once), and every user whose grace delay is over goes offline, whichever
 * node's timer was meant to do it (that node may be the dead one).
 * ARGV: prefix, instance id, expire ms, most users settled per beat.
 * Returns {rejoined, offline users}: rejoined is 1 when this node was not registered (first
 * beat, Redis lost its data, or the others took it for dead), so it must register again.
 */
export const BEAT_LUA = `${NOW}${DROP_INSTANCE}
local p, inst = ARGV[1], ARGV[2]
local expire, limit = tonumber(ARGV[3]), tonumber(ARGV[4])
redis.call('SET', p .. 'alive:' .. inst, 1, 'PX', expire)
local rejoined = redis.call('SADD', p .. 'instances', inst)
local now = now_ms()
for _, other in ipairs(redis.call('SMEMBERS', p .. 'instances')) do
  if redis.call('EXISTS', p .. 'alive:' .. other) == 0 then
    drop_instance(p, other, now)
    redis.call('SREM', p .. 'instances', other)
  end
end
local offline = {}
for _, user in ipairs(redis.call('ZRANGEBYSCORE', p .. 'pending', '-inf', now, 'LIMIT', 0, limit)) do
  redis.call('ZREM', p .. 'pending', user)
  if redis.call('EXISTS', p .. 'conns:' .. user) == 0 and redis.call('HDEL', p .. 'online', user) == 1 then
    offline[#offline + 1] = user
  end
end
return {rejoined, offline}
`;

/**
 * Replaces this node's whole share with what it holds now: after an outage (commands may
 * have failed), after Redis lost its data, or after the others took this node for dead.
 * Users it no longer holds start their grace delay now, and so do the users it saw leave
 * lately (`gone`) when no node holds them: had Redis lost their pending offline, nobody would
 * ever announce it (at worst an offline already announced is announced again).
 * ARGV: prefix, instance id, grace ms, n, then n pairs user, count, then the gone users.
 * Returns the users to announce online (shown offline, or unknown, until now).
 */
export const REGISTER_LUA = `${NOW}
local p, inst, grace, n = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local held = {}
for i = 5, 4 + 2 * n, 2 do held[ARGV[i]] = ARGV[i + 1] end
local members = p .. 'inst:' .. inst
local due = now_ms() + grace
local function leave_later(user)
  if redis.call('EXISTS', p .. 'conns:' .. user) == 0 then
    redis.call('HSET', p .. 'online', user, 1)
    -- GT: a later deadline already set by another node stands.
    redis.call('ZADD', p .. 'pending', 'GT', due, user)
  end
end
for _, user in ipairs(redis.call('SMEMBERS', members)) do
  if not held[user] then
    redis.call('HDEL', p .. 'conns:' .. user, inst)
    redis.call('SREM', members, user)
    if redis.call('HEXISTS', p .. 'online', user) == 1 then leave_later(user) end
  end
end
for i = 5 + 2 * n, #ARGV do
  if not held[ARGV[i]] then leave_later(ARGV[i]) end
end
local online = {}
for user, count in pairs(held) do
  redis.call('HSET', p .. 'conns:' .. user, inst, count)
  redis.call('SADD', members, user)
  redis.call('ZREM', p .. 'pending', user)
  if redis.call('HSETNX', p .. 'online', user, 1) == 1 then online[#online + 1] = user end
end
return online
`;

/**
 * A node stopping cleanly: its users start their grace delay now (they may come back on
 * another node), and it is no longer a node. ARGV: prefix, instance id, grace ms.
 */
export const LEAVE_LUA = `${NOW}${DROP_INSTANCE}
local p, inst, grace = ARGV[1], ARGV[2], tonumber(ARGV[3])
drop_instance(p, inst, now_ms() + grace)
redis.call('DEL', p .. 'alive:' .. inst)
redis.call('SREM', p .. 'instances', inst)
return 0
`;
