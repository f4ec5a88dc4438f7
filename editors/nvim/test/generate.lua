-- The real-editor test of generation into an open buffer, run by
-- test/run.sh after e2e.lua, with FTLS_BINARY, FTLS_PLUGIN, FTLS_WORK and
-- FTLS_PROVIDER (the base URL of internal/fakeprovider, an OpenAI-compatible
-- endpoint on 127.0.0.1 that answers each batch after a delay).
--
-- :FtlsGenerate 60 runs while the user types in the first row. Neovim
-- answers applied: true to an edit it drops for being older than the
-- buffer, so the server must check each batch against the didChange that
-- follows and send a dropped batch again: the buffer must gain exactly 60
-- rows, keep every keystroke, and the closing message must say 60 of 60.
local binary = assert(os.getenv('FTLS_BINARY'), 'FTLS_BINARY is not set')
local plugin = assert(os.getenv('FTLS_PLUGIN'), 'FTLS_PLUGIN is not set')
local work = assert(os.getenv('FTLS_WORK'), 'FTLS_WORK is not set')
local provider = assert(os.getenv('FTLS_PROVIDER'), 'FTLS_PROVIDER is not set')
local server_log = work .. '/ftls-generate.log'

local received = { messages = {}, progress = {}, notes = {}, printed = {} }
local harness = dofile(debug.getinfo(1, 'S').source:sub(2):match('^(.*/)') .. 'harness.lua')
local h = harness.new('generate', server_log, received)
local out, read, fail, expect, wait = h.out, h.read, h.fail, h.expect, h.wait
-- Headless: confirm the run, record messages and progress.
harness.record(received, 'Generate')
_G.print = function(...)
  table.insert(received.printed, table.concat(vim.tbl_map(tostring, { ... }), ' '))
end

local function copy(from, to)
  local f = assert(io.open(to, 'w'))
  f:write(read(from))
  f:close()
end

local function test()
  local dir = work .. '/generate'
  vim.fn.mkdir(dir, 'p')
  local shop = os.getenv('FTLS_SHOP')
  copy(shop .. '/shop.plan.yaml', dir .. '/shop.plan.yaml')
  copy(shop .. '/training_data.jsonl', dir .. '/training_data.jsonl')

  require('ftls').setup({
    cmd = { binary, 'serve', '--log', server_log },
    settings = { baseUrl = provider, apiKey = 'sk-test-nvim' },
  })
  vim.cmd('edit ' .. vim.fn.fnameescape(dir .. '/training_data.jsonl'))
  local buf = vim.api.nvim_get_current_buf()
  local clients = vim.lsp.get_clients or vim.lsp.get_active_clients
  wait(15000, function()
    local c = clients()[1]
    return c ~= nil and vim.lsp.buf_is_attached(buf, c.id)
  end, 'the server to attach')
  vim.wait(1000) -- the first check
  local before = vim.api.nvim_buf_line_count(buf)

  -- The user types in the first row's answer while the batches arrive: a
  -- word at a time, a letter every 70 ms, with a pause after each word.
  local typed, tick = 0, 0
  local first = vim.api.nvim_buf_get_lines(buf, 0, 1, true)[1]
  local col = assert(first:find('"content": "', 1, true)) + #'"content": "' - 1
  local timer = vim.loop.new_timer()
  timer:start(
    300,
    70,
    vim.schedule_wrap(function()
      tick = tick + 1
      if tick % 16 < 8 and typed < 200 then
        vim.api.nvim_buf_set_text(buf, 0, col, 0, col, { 'x' })
        typed = typed + 1
      end
    end)
  )

  vim.cmd('FtlsGenerate 60')
  local function ended()
    for _, v in ipairs(received.progress) do
      if v.kind == 'end' then
        return v.message
      end
    end
  end
  wait(90000, ended, 'the run to end', function()
    return { lines = vim.api.nvim_buf_line_count(buf) - before }
  end)
  timer:stop()
  timer:close()
  vim.wait(500) -- the last keystrokes' didChange

  local added = vim.api.nvim_buf_line_count(buf) - before
  expect(added == 60, 'exactly 60 rows added', { added = added, ['end'] = ended() })
  expect(ended():match('^60 of 60 examples added'), 'the closing message counts 60 of 60', ended())
  expect(typed > 5, 'the user typed during the run', typed)
  local row = vim.api.nvim_buf_get_lines(buf, 0, 1, true)[1]
  expect(row:find('"content": "' .. string.rep('x', typed), 1, true) ~= nil, 'every keystroke is in the first row', row)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, true)) do
    if line ~= '' then
      local ok = pcall(vim.fn.json_decode, line)
      expect(ok, ('line %d is valid JSON'):format(i), line)
    end
  end

  local v = vim.version()
  out(('nvim %d.%d.%d generate: %d rows added while %d keystrokes were typed'):format(v.major, v.minor, v.patch, added, typed))
  h.done()
  vim.cmd('qall!')
end

h.run(plugin, test)
