/**
 * Server-side scripts: each read-change-write that two processes could race on runs as one
 * Lua script, which Redis executes atomically.
 */

/**
 * `applyCapture` (src/learn/learner.ts) in Lua, step for step; a test runs the same
 * captures through both and compares. KEYS[1] = items hash; ARGV = id, capture JSON.
 * Returns [item JSON, emerging 0/1].
 */
export const RECORD_CAPTURE = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
local c = cjson.decode(ARGV[2])
local item
if raw then
  item = cjson.decode(raw)
else
  item = { id = ARGV[1], text = c.text, variants = {}, count = 0, firstSeen = c.at, lastSeen = c.at,
           channels = {}, reasons = {}, nearest = {}, status = 'open', agentReplies = {}, recent = {} }
  for i = 1, math.min(3, #c.nearest) do item.nearest[i] = c.nearest[i] end
end
item.count = item.count + 1
if c.at > item.lastSeen then item.lastSeen = c.at end
local k = nil
for i, v in ipairs(item.variants) do if v.text == c.text then k = i end end
if k then
  item.variants[k].count = item.variants[k].count + 1
  -- the list is sorted by count, ties in arrival order: move the bumped one up past smaller counts
  while k > 1 and item.variants[k - 1].count < item.variants[k].count do
    item.variants[k - 1], item.variants[k] = item.variants[k], item.variants[k - 1]
    k = k - 1
  end
elseif #item.variants < 20 then
  item.variants[#item.variants + 1] = { text = c.text, count = 1 }
end
item.text = item.variants[1].text
if c.channel then item.channels[c.channel] = (item.channels[c.channel] or 0) + 1 end
item.reasons[c.reason] = (item.reasons[c.reason] or 0) + 1
if c.agentReply then
  local seen = false
  for _, r in ipairs(item.agentReplies) do if r == c.agentReply then seen = true end end
  if not seen then item.agentReplies[#item.agentReplies + 1] = c.agentReply end
end
local recent = {}
for _, t in ipairs(item.recent) do if c.at - t <= c.emerging.windowMs then recent[#recent + 1] = t end end
recent[#recent + 1] = c.at
local keep = math.max(100, c.emerging.count)
if #recent > keep then
  local trimmed = {}
  for i = #recent - keep + 1, #recent do trimmed[#trimmed + 1] = recent[i] end
  recent = trimmed
end
item.recent = recent
local emerging = 0
if #recent >= c.emerging.count and (item.emergingAt == nil or c.at - item.emergingAt > c.emerging.windowMs) then
  item.emergingAt = c.at
  emerging = 1
end
local out = cjson.encode(item)
redis.call('HSET', KEYS[1], ARGV[1], out)
return { out, emerging }
`;

/** KEYS[1] = items hash; ARGV = id, status, approvedAs JSON or ''. Returns the item JSON, or false when there is none. */
export const SET_STATUS = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return false end
local item = cjson.decode(raw)
item.status = ARGV[2]
if ARGV[3] ~= '' then item.approvedAs = cjson.decode(ARGV[3]) end
local out = cjson.encode(item)
redis.call('HSET', KEYS[1], ARGV[1], out)
return out
`;

/** Release a lock only if we still hold it. KEYS[1] = lock key; ARGV[1] = our token. */
export const RELEASE_LOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;
