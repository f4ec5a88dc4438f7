-- The Neovim side of bench/nvim.sh: headless Neovim, the ftls plugin as
-- install.sh installs it, one large dataset. It measures, as a user would
-- meet them:
--
--   1. opening the file: `:edit` until the first diagnostics and until the
--      full ones (every rule: exact and near duplicates included);
--   2. keystroke to screen: one character typed in insert mode inside the
--      first "content" string of a random well-formed row, until Neovim has
--      handled the server's answer for that version (its publishDiagnostics,
--      or its ftls/checked with unchanged = true when the diagnostics
--      published last still hold); and the time Neovim spends in its
--      publishDiagnostics handler;
--   3. "Fix all": the source.fixAll.ftls code action, its ftls.fixAll
--      command, until the buffer holds the fixed text; the buffer is then
--      written out for bench/nvim.sh to compare with `ftls fix`.
--
-- Environment (set by bench/nvim.sh): FTLS_BINARY, FTLS_PLUGIN,
-- BENCH_DATA (the dataset), BENCH_OUT (a folder for the written buffers),
-- BENCH_RESULTS (the results file, "key value" lines), BENCH_SERVER_LOG,
-- BENCH_KEYS (50), BENCH_PAUSE_MS (200), BENCH_SEED (1).
local env = function(name, default)
  local v = os.getenv(name)
  if v == nil or v == '' then
    assert(default ~= nil, name .. ' is not set')
    return default
  end
  return v
end
local binary = env('FTLS_BINARY')
local plugin = env('FTLS_PLUGIN')
local data = env('BENCH_DATA')
local out_dir = env('BENCH_OUT')
local results_path = env('BENCH_RESULTS')
local server_log = env('BENCH_SERVER_LOG')
local keys = tonumber(env('BENCH_KEYS', '50'))
local pause = tonumber(env('BENCH_PAUSE_MS', '200'))
local seed = tonumber(env('BENCH_SEED', '1'))

local uv = vim.uv or vim.loop
local function now() -- ms, monotonic
  return uv.hrtime() / 1e6
end
-- Wall-clock ms of a monotonic time, to line up with the server's log.
local wall0_s, wall0_us = uv.gettimeofday()
local wall0, mono0 = wall0_s * 1000 + wall0_us / 1000, now()
local function wall(t)
  return wall0 + (t - mono0)
end

local results = {}
local function put(key, value)
  table.insert(results, key .. ' ' .. tostring(value))
end
local function save()
  local f = assert(io.open(results_path, 'w'))
  f:write(table.concat(results, '\n') .. '\n')
  f:close()
end
local function log(msg)
  io.stderr:write(('[nvim %.1fs] %s\n'):format((now() - mono0) / 1000, msg))
end
local function fail(msg)
  put('error', msg:gsub('\n', ' '))
  save()
  io.stderr:write('FAIL: ' .. msg .. '\n')
  vim.cmd('cquit 1')
end

-- Headless Neovim has nobody to answer: record messages, decline prompts,
-- and keep 0.7's applyEdit handler from printing.
local messages = {}
vim.lsp.handlers['window/showMessage'] = function(_, result)
  table.insert(messages, result.message)
end
vim.lsp.handlers['window/showMessageRequest'] = function()
  return vim.NIL
end
vim.notify = function(msg)
  table.insert(messages, msg)
end
_G.print = function() end

-- What the server answers, with the time Neovim handled it -----------------

local checked = {} -- ftls/checked: {version, full, unchanged, diagnostics, millis, t}
local last_checked = {} -- the last ftls/checked
vim.lsp.handlers['ftls/checked'] = function(_, result)
  local c = {
    version = result.version,
    full = result.full,
    unchanged = result.unchanged == true,
    diagnostics = result.diagnostics,
    millis = result.millis,
    t = now(),
  }
  table.insert(checked, c)
  last_checked = c
end

-- The plugin's own handler (rule codes in the messages, lens refreshes)
-- calls this one, looked up at each call: Neovim's handler, timed.
local publishes = {} -- {version, n, start, ms}
local builtin_publish = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
  local start = now()
  local ret = builtin_publish(err, result, ctx, config)
  local done = now()
  table.insert(publishes, {
    version = result and result.version,
    n = result and result.diagnostics and #result.diagnostics or 0,
    start = start,
    done = done,
    ms = done - start,
  })
  return ret
end

local applies = {} -- workspace/applyEdit: {start, done, edits}
local builtin_apply = vim.lsp.handlers['workspace/applyEdit']
vim.lsp.handlers['workspace/applyEdit'] = function(err, result, ctx, config)
  local start = now()
  local edits = 0
  for _, change in ipairs(result and result.edit and result.edit.documentChanges or {}) do
    edits = edits + #(change.edits or {})
  end
  for _, list in pairs(result and result.edit and result.edit.changes or {}) do
    edits = edits + #list
  end
  local ret = builtin_apply(err, result, ctx, config)
  table.insert(applies, { start = start, done = now(), edits = edits })
  return ret
end

-- The client's side of the didOpen: wraps the RPC client Neovim makes for
-- the server, to see when `initialize` was answered and when Neovim called
-- notify('textDocument/didOpen') (it has built the text by then) and when
-- that call returned (the message encoded and handed to the pipe).
local rpc_marks = {}
local rpc_start = vim.lsp.rpc.start
vim.lsp.rpc.start = function(...)
  rpc_marks.spawn = rpc_marks.spawn or now()
  local rpc = rpc_start(...)
  local notify, req = rpc.notify, rpc.request
  rpc.notify = function(method, ...)
    local t = now()
    local ret = notify(method, ...)
    if method == 'textDocument/didOpen' and not rpc_marks.didopen_start then
      rpc_marks.didopen_start, rpc_marks.didopen_end = t, now()
    end
    return ret
  end
  rpc.request = function(method, params, callback, ...)
    if method == 'initialize' and callback then
      local cb = callback
      callback = function(...)
        rpc_marks.initialized = rpc_marks.initialized or now()
        return cb(...)
      end
    end
    return req(method, params, callback, ...)
  end
  return rpc
end

-- Helpers -------------------------------------------------------------------

local function percentile(list, p) -- nearest rank
  if #list == 0 then
    return 0
  end
  local sorted = vim.deepcopy(list)
  table.sort(sorted)
  local rank = math.max(1, math.ceil(p / 100 * #sorted))
  return sorted[rank]
end
local function fmt(ms)
  return ('%.1f'):format(ms)
end

local function wait(ms, cond, what)
  if not vim.wait(ms, cond, 10) then
    fail(('timed out after %d s waiting for %s'):format(ms / 1000, what))
  end
end

local function clients()
  local get = vim.lsp.get_clients or vim.lsp.get_active_clients
  return get({ name = 'ftls' })
end

local function request(client, method, params, handler, bufnr)
  if vim.fn.has('nvim-0.11') == 1 then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

-- The first ftls/checked of version v or later, or nil.
local function checked_for(v, want_full)
  for _, c in ipairs(checked) do
    if c.version >= v and (not want_full or c.full) then
      return c
    end
  end
end

-- When Neovim had handled the answer for version v: the end of its
-- publishDiagnostics handler for v, or the ftls/checked saying the
-- diagnostics published last still hold.
local function answered(v, want_full)
  local c = checked_for(v, want_full)
  if not c then
    return nil
  end
  -- The publish just before that ftls/checked (the server sends them in
  -- this order); a version may have had an earlier, partial one.
  for i = #publishes, 1, -1 do
    local p = publishes[i]
    if p.done <= c.t then
      if p.version == c.version then
        return p.done, c
      end
      break
    end
  end
  return c.t, c
end

-- 1. Opening ------------------------------------------------------------------

vim.opt.runtimepath:prepend(plugin)
vim.cmd('filetype on')
vim.cmd('syntax on')
vim.cmd('runtime plugin/ftls.lua')
require('ftls').setup({ cmd = { binary, 'serve', '--log', server_log } })

local marks = {}
vim.api.nvim_create_autocmd('BufReadPost', {
  once = true,
  callback = function()
    marks.read = now()
  end,
})
vim.api.nvim_create_autocmd('FileType', {
  once = true,
  pattern = 'jsonl',
  callback = function()
    marks.filetype = now()
  end,
})

local function loadavg()
  local f = io.open('/proc/loadavg')
  if not f then
    return '-'
  end
  local l = f:read('*l')
  f:close()
  return l:match('^(%S+ %S+ %S+)') or l
end
put('load_start', loadavg())
local v = vim.version()
put('nvim', ('%d.%d.%d'):format(v.major, v.minor, v.patch))
log('opening ' .. data)
local t_open = now()
put('open_wall_ms', ('%.3f'):format(wall(t_open)))
vim.cmd('edit ' .. vim.fn.fnameescape(data))
local t_edited = now()
local buf = vim.api.nvim_get_current_buf()
local open_version = vim.api.nvim_buf_get_changedtick(buf)
put('lines', vim.api.nvim_buf_line_count(buf))
put('open_read_ms', fmt((marks.read or t_edited) - t_open))
put('open_edit_ms', fmt(t_edited - t_open))
put('open_read_wall_ms', ('%.3f'):format(wall(marks.read or t_edited)))
put('open_edit_wall_ms', ('%.3f'):format(wall(t_edited)))

wait(300000, function()
  return #checked > 0
end, 'the first diagnostics')
local first_t, first_c = answered(0)
local read_t = marks.read or t_edited
if rpc_marks.initialized and rpc_marks.didopen_start then
  put('didopen_initialize_ms', fmt(rpc_marks.initialized - read_t))
  put('didopen_text_ms', fmt(rpc_marks.didopen_start - rpc_marks.initialized))
  put('didopen_notify_ms', fmt(rpc_marks.didopen_end - rpc_marks.didopen_start))
  put('didopen_notify_end_wall_ms', ('%.3f'):format(wall(rpc_marks.didopen_end)))
end
put('open_first_ms', fmt(first_t - t_open))
put('open_first_diagnostics', first_c.diagnostics)
put('open_first_server_ms', fmt(first_c.millis))
put('open_first_wall_ms', ('%.3f'):format(wall(first_t)))
log(('first diagnostics after %.1f s'):format((first_t - t_open) / 1000))

wait(300000, function()
  return checked_for(0, true) ~= nil
end, 'the full diagnostics')
local full_t, full_c = answered(0, true)
put('open_full_ms', fmt(full_t - t_open))
put('open_full_diagnostics', full_c.diagnostics)
put('open_full_server_ms', fmt(full_c.millis))
log(('full diagnostics after %.1f s (%d)'):format((full_t - t_open) / 1000, full_c.diagnostics))
local open_publish_ms = {}
for _, p in ipairs(publishes) do
  table.insert(open_publish_ms, fmt(p.ms) .. 'x' .. p.n)
end
put('open_publishes', table.concat(open_publish_ms, ','))
save()

-- 2. Keystrokes ---------------------------------------------------------------

-- Well-formed rows (they parse as JSON) with a "content" string: the
-- character typed at the start of that string keeps them valid.
math.randomseed(seed)
local n_lines = vim.api.nvim_buf_line_count(buf)
local targets = {}
local tries = 0
while #targets < keys and tries < keys * 100 do
  tries = tries + 1
  local row = math.random(1, n_lines)
  local line = vim.api.nvim_buf_get_lines(buf, row - 1, row, true)[1]
  local _, stop = line:find('"content"%s*:%s*"')
  if stop and pcall(vim.json.decode, line) then
    -- The cursor on the string's first character (0-based byte column):
    -- `i` types before it, inside the string.
    table.insert(targets, { row, stop })
  end
end
if #targets < keys then
  fail(('found %d well-formed rows with a content string, wanted %d'):format(#targets, keys))
end

local esc = vim.api.nvim_replace_termcodes('<Esc>', true, false, true)
local publish_from = #publishes + 1
local key_ms, feed_ms, republished, unchanged = {}, {}, 0, 0
log(('typing %d characters, %d ms apart'):format(keys, pause))
for i, target in ipairs(targets) do
  vim.api.nvim_win_set_cursor(0, target)
  local before = vim.api.nvim_buf_get_changedtick(buf)
  local t = now()
  vim.api.nvim_feedkeys('ix' .. esc, 'nx', false)
  table.insert(feed_ms, now() - t)
  local version = vim.api.nvim_buf_get_changedtick(buf)
  if version == before then
    fail('keystroke ' .. i .. ' changed nothing')
  end
  wait(60000, function()
    return answered(version) ~= nil
  end, 'the answer to keystroke ' .. i)
  local done, c = answered(version)
  table.insert(key_ms, done - t)
  if c.unchanged then
    unchanged = unchanged + 1
  else
    republished = republished + 1
  end
  vim.wait(pause, function()
    return false
  end, 10)
end
local typing_publish_ms, typing_publish_n = {}, {}
for i = publish_from, #publishes do
  table.insert(typing_publish_ms, publishes[i].ms)
  table.insert(typing_publish_n, publishes[i].n)
end
put('keys', #key_ms)
put('key_p50_ms', fmt(percentile(key_ms, 50)))
put('key_p99_ms', fmt(percentile(key_ms, 99)))
put('key_max_ms', fmt(percentile(key_ms, 100)))
put('key_feed_p50_ms', fmt(percentile(feed_ms, 50)))
put('key_answers_published', republished)
put('key_answers_unchanged', unchanged)
put('typing_publishes', #typing_publish_ms)
put('typing_publish_p50_ms', fmt(percentile(typing_publish_ms, 50)))
put('typing_publish_max_ms', fmt(percentile(typing_publish_ms, 100)))
put('typing_publish_total_ms', fmt(vim.tbl_isempty(typing_publish_ms) and 0 or (function()
  local s = 0
  for _, x in ipairs(typing_publish_ms) do
    s = s + x
  end
  return s
end)()))
put('typing_publish_diagnostics_p50', percentile(typing_publish_n, 50))
local all = {}
for _, ms in ipairs(key_ms) do
  table.insert(all, fmt(ms))
end
put('key_all_ms', table.concat(all, ','))
log(('keystrokes: p50 %.1f ms, max %.1f ms'):format(percentile(key_ms, 50), percentile(key_ms, 100)))
save()

-- 3. Fix all ------------------------------------------------------------------

-- Fix all applies to what the buffer holds now: the full check of the last
-- keystroke first, then that text is written for `ftls fix` to start from.
local typed_version = vim.api.nvim_buf_get_changedtick(buf)
wait(300000, function()
  return checked_for(typed_version, true) ~= nil
end, 'the full diagnostics after typing')
put('typed_full_diagnostics', checked_for(typed_version, true).diagnostics)
vim.cmd('silent keepalt noautocmd write! ' .. vim.fn.fnameescape(out_dir .. '/before-fix.jsonl'))

local client = clients()[1]
if not client then
  fail('no ftls client')
end
local action_result, action_err
log('fix all: asking for source.fixAll.ftls')
local t_fix = now()
request(client, 'textDocument/codeAction', {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  range = { start = { line = 0, character = 0 }, ['end'] = { line = 0, character = 0 } },
  context = { diagnostics = {}, only = { 'source.fixAll.ftls' } },
}, function(err, result)
  action_err, action_result = err, result or {}
end, buf)
wait(120000, function()
  return action_result ~= nil
end, 'the fix-all code action')
if action_err then
  fail('codeAction: ' .. vim.inspect(action_err))
end
local action
for _, a in ipairs(action_result) do
  if a.kind == 'source.fixAll.ftls' then
    action = a
  end
end
if not action then
  fail('no source.fixAll.ftls action: ' .. vim.inspect(action_result))
end
put('fix_action_ms', fmt(now() - t_fix))
local fix_version
if action.edit then
  -- A small document gets the edit in the action itself.
  vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding or 'utf-16')
  table.insert(applies, { start = t_fix, done = now(), edits = 0 })
end
if action.command then
  local cmd = action.command
  local exec_err
  request(client, 'workspace/executeCommand', { command = cmd.command, arguments = cmd.arguments }, function(err)
    exec_err = err or false
  end, buf)
  wait(120000, function()
    return exec_err ~= nil
  end, 'the answer to ftls.fixAll')
  if exec_err then
    fail('executeCommand: ' .. vim.inspect(exec_err))
  end
  wait(120000, function()
    return #applies > 0
  end, 'workspace/applyEdit of fix all')
end
-- The server verifies its edit on the next didChange and sends more only
-- if the editor dropped some: wait for the check of the fixed version and
-- for 2 s without another edit.
repeat
  fix_version = vim.api.nvim_buf_get_changedtick(buf)
  local n = #applies
  wait(120000, function()
    return checked_for(fix_version) ~= nil
  end, 'the check of the fixed buffer')
  vim.wait(2000, function()
    return #applies > n
  end, 10)
until #applies == n
local last = applies[#applies]
local fix_edits = 0
for _, a in ipairs(applies) do
  fix_edits = fix_edits + a.edits
end
put('fix_ms', fmt(last.done - t_fix))
put('fix_apply_start_ms', fmt(applies[1].start - t_fix))
put('fix_apply_ms', fmt(last.done - last.start))
put('fix_applyedits', #applies)
put('fix_edits', fix_edits)
put('fix_checked_ms', fmt(checked_for(fix_version).t - t_fix))
put('fix_messages', #messages == 0 and '-' or table.concat(messages, ' | '):gsub('\n', ' '))
log(('fix all: buffer fixed after %.1f s (%d edits in %d applyEdit)'):format((last.done - t_fix) / 1000, fix_edits, #applies))
vim.cmd('silent keepalt noautocmd write! ' .. vim.fn.fnameescape(out_dir .. '/after-fix.jsonl'))
put('load_end', loadavg())
save()

for _, c in ipairs(clients()) do
  c.stop()
end
vim.wait(5000, function()
  return #clients() == 0
end, 50)
vim.cmd('qall!')
