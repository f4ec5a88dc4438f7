-- The real-editor test of the Neovim plugin, run by test/run.sh, which sets
-- FTLS_BINARY (the server), FTLS_PLUGIN (the installed plugin) and FTLS_WORK
-- (a temp copy of test/fixtures). Any mismatch prints what the editor
-- received and exits 1; the last line is "nvim: N passed, M failed".
local binary = assert(os.getenv('FTLS_BINARY'), 'FTLS_BINARY is not set')
local plugin = assert(os.getenv('FTLS_PLUGIN'), 'FTLS_PLUGIN is not set')
local work = assert(os.getenv('FTLS_WORK'), 'FTLS_WORK is not set')
local server_log = work .. '/ftls.log'

local passed = 0
-- What the server and Neovim said besides diagnostics, shown on failure.
local received = { messages = {}, requests = {}, notes = {}, printed = {} }

local function out(msg)
  io.stdout:write(msg .. '\n')
end

local function read(path)
  local f = io.open(path)
  if not f then
    return '(none)'
  end
  local text = f:read('*a')
  f:close()
  return text
end

-- Ends the test with status 1, showing what failed, what the editor holds
-- and the server log.
local function fail(what, got)
  io.stderr:write('FAIL: ' .. what .. '\n')
  if got ~= nil then
    io.stderr:write('got: ' .. vim.inspect(got) .. '\n')
  end
  io.stderr:write('diagnostics: ' .. vim.inspect(vim.diagnostic.get()) .. '\n')
  io.stderr:write('received: ' .. vim.inspect(received) .. '\n')
  io.stderr:write('server log:\n' .. read(server_log) .. '\n')
  out(('nvim: %d passed, 1 failed'):format(passed))
  vim.cmd('cquit 1')
end

local function expect(ok, what, got)
  if not ok then
    fail(what, got)
  end
  passed = passed + 1
end

-- got, a function, tells what there was when the wait timed out.
local function wait(ms, cond, what, got)
  if not vim.wait(ms, cond, 50) then
    fail(('timed out after %d ms waiting for %s'):format(ms, what), got and got())
  end
end

-- Never hang: each wait below is bounded, this bounds them all (run.sh's
-- `timeout 120` is the last resort).
vim.defer_fn(function()
  fail('global timeout (90 s)')
end, 90000)

-- Headless Neovim has nobody to answer a prompt: record the messages and
-- decline confirmations (the server asks one before generating).
vim.lsp.handlers['window/showMessage'] = function(_, result)
  table.insert(received.messages, result.message)
end
vim.lsp.handlers['window/showMessageRequest'] = function(_, result)
  table.insert(received.requests, result.message)
  return vim.NIL
end
vim.notify = function(msg, level)
  table.insert(received.notes, { msg = msg, level = level })
end
-- 0.7's workspace/applyEdit handler prints the edit's label, which headless
-- Neovim writes out at exit, after the closing line.
_G.print = function(...)
  table.insert(received.printed, table.concat(vim.tbl_map(tostring, { ... }), ' '))
end

-- The diagnostics as the server sent them (LSP ranges, data), by URI: a
-- code action request sends them back.
local published = {}
local published_version = {}
local publish = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
  published[result.uri] = result.diagnostics
  published_version[result.uri] = result.version
  return publish(err, result, ctx, config)
end

local function by_code(diagnostics)
  local map = {}
  for _, d in ipairs(diagnostics) do
    map[d.code] = d
  end
  return map
end

local function has_codes(bufnr, codes)
  local got = by_code(vim.diagnostic.get(bufnr))
  for _, code in ipairs(codes) do
    if not got[code] then
      return false
    end
  end
  return true
end

-- want is a list of { code, lnum, col, end_col } (0-based line, byte
-- columns as Neovim converted them from UTF-16): exactly these diagnostics,
-- each on one line.
local function expect_diagnostics(bufnr, want)
  local codes = vim.tbl_map(function(w)
    return w[1]
  end, want)
  wait(15000, function()
    return has_codes(bufnr, codes)
  end, 'diagnostics ' .. table.concat(codes, ' '))
  local got = vim.diagnostic.get(bufnr)
  expect(#got == #want, ('%d diagnostics'):format(#want), got)
  local map = by_code(got)
  for _, w in ipairs(want) do
    local d = map[w[1]]
    local at = d.lnum == w[2] and d.end_lnum == w[2] and d.col == w[3] and d.end_col == w[4]
    expect(at, ('%s at lnum %d, col %d-%d'):format(w[1], w[2], w[3], w[4]), d)
  end
end

local function ftls_clients()
  local clients = vim.lsp.get_clients and vim.lsp.get_clients() or vim.lsp.get_active_clients()
  return vim.tbl_filter(function(c)
    return c.name == 'ftls'
  end, clients)
end

local function request(bufnr, method, params)
  local responses = vim.lsp.buf_request_sync(bufnr, method, params, 15000)
  local _, response = next(responses or {})
  if not response or response.err then
    fail(method .. ' failed', responses)
  end
  return response.result
end

local function edit(name)
  vim.cmd('edit ' .. vim.fn.fnameescape(work .. '/' .. name))
  return vim.api.nvim_get_current_buf()
end

local function lines(bufnr)
  return vim.api.nvim_buf_get_lines(bufnr, 0, -1, true)
end

local function contains(text, part)
  return type(text) == 'string' and text:find(part, 1, true) ~= nil
end

-- The findings of the fixtures as Neovim shows them. Line 1 of the dataset
-- has 📦 (4 bytes, 2 UTF-16 units) before the misspelt role.
local plan_findings = {
  { 'B005', 6, 12, 14 },
  { 'P004', 11, 12, 14 },
  { 'P006', 13, 9, 20 },
}
local data_findings = {
  { 'C005', 0, 73, 83 },
  { 'J001', 2, 122, 123 },
  { 'D001', 3, 0, 129 },
}

-- lsp/ftls.lua is for vim.lsp.config (0.11+); every version can load it.
local function test_lsp_config()
  local config = dofile(plugin .. '/lsp/ftls.lua')
  expect(vim.deep_equal(config.cmd, { 'ftls', 'serve' }), 'lsp/ftls.lua cmd', config.cmd)
  expect(vim.deep_equal(config.filetypes, require('ftls').filetypes), 'lsp/ftls.lua filetypes', config.filetypes)
  expect(vim.deep_equal(config.root_markers, { 'ftls.yaml', '.git' }), 'lsp/ftls.lua root_markers', config.root_markers)
  expect(vim.deep_equal(config.settings, {}), 'lsp/ftls.lua settings', config.settings)
  local ids = { config.get_language_id(0, 'yaml.ftls'), config.get_language_id(0, 'jsonl') }
  expect(vim.deep_equal(ids, { 'yaml', 'jsonl' }), 'lsp/ftls.lua get_language_id', ids)
  local params = {}
  config.before_init(params, config)
  expect(params.initializationOptions == nil, 'lsp/ftls.lua sends no empty initializationOptions', params)
  config.before_init(params, { settings = { ftls = { maxTokens = 100 } } })
  local sent = params.initializationOptions
  expect(vim.deep_equal(sent, { maxTokens = 100 }), 'lsp/ftls.lua sends settings.ftls with initialize', params)
end

-- A plan file opened before setup(), as with a lazily loaded plugin.
local function test_plan()
  local plan = edit('support.plan.yaml')
  expect(vim.bo[plan].filetype == 'yaml.ftls', 'the plan has filetype yaml.ftls', vim.bo[plan].filetype)
  expect(vim.b[plan].current_syntax == 'yaml', 'the plan keeps YAML syntax', vim.b[plan].current_syntax)
  vim.cmd('filetype detect')
  expect(vim.bo[plan].filetype == 'yaml.ftls', ':filetype detect keeps yaml.ftls', vim.bo[plan].filetype)

  -- The settings must reach the server: C018 (fewer than 10 examples)
  -- would otherwise be on line 1 of the dataset.
  require('ftls').setup({
    cmd = { binary, 'serve', '--log', server_log },
    settings = { rules = { C018 = 'off' } },
  })
  expect_diagnostics(plan, plan_findings)
  return plan
end

local function attached(bufnr)
  local client = ftls_clients()[1]
  return client ~= nil and vim.lsp.buf_is_attached(bufnr, client.id)
end

-- :e! and an autoread reload run the filetype detection again: the plan
-- must get yaml.ftls from it at once, never yaml on the way (which fires
-- FileType yaml, reloads YAML's ftplugin and may detach the server).
local function test_reload(plan)
  local seen = {}
  vim.api.nvim_create_autocmd('FileType', {
    buffer = plan,
    callback = function(ev)
      table.insert(seen, ev.match)
    end,
  })
  vim.cmd('edit!')
  local path = vim.api.nvim_buf_get_name(plan)
  local f = assert(io.open(path, 'a'))
  f:write('# changed on disk\n')
  f:close()
  vim.o.autoread = true
  vim.cmd('silent checktime')
  expect(vim.api.nvim_buf_get_lines(plan, -2, -1, true)[1] == '# changed on disk', 'autoread reloaded the plan', lines(plan))
  expect(#seen >= 2, ':e! and autoread ran the detection again', seen)
  for _, ft in ipairs(seen) do
    expect(ft == 'yaml.ftls', 'the reloads set yaml.ftls only, never yaml', seen)
  end
  expect(vim.bo[plan].filetype == 'yaml.ftls', 'the reloaded plan has filetype yaml.ftls', vim.bo[plan].filetype)
  expect(attached(plan), 'the server stays attached to the reloaded plan', ftls_clients())
  expect_diagnostics(plan, plan_findings)
end

-- 0.7-0.9 set no 'omnifunc' by themselves (i_CTRL-X_CTRL-O failed with
-- E764); completion leaves out keys the mapping has, even while the key
-- being typed makes the YAML invalid.
local function test_completion(plan)
  expect(vim.bo[plan].omnifunc == 'v:lua.vim.lsp.omnifunc', "the plan's omnifunc is the LSP one", vim.bo[plan].omnifunc)
  local n
  for i, line in ipairs(lines(plan)) do
    if line == '  train: train.jsonl' then
      n = i
    end
  end
  expect(n ~= nil, 'the plan has output.train', lines(plan))
  vim.api.nvim_buf_set_lines(plan, n, n, true, { '  t' })
  -- Past Neovim's debounce of didChange (150 ms), which 0.7 does not flush
  -- before a request.
  vim.wait(400)
  local result = request(plan, 'textDocument/completion', {
    textDocument = { uri = vim.uri_from_bufnr(plan) },
    position = { line = n, character = 2 },
  })
  local labels = vim.tbl_map(function(item)
    return item.label
  end, result and (result.items or result) or {})
  expect(#labels > 0 and not vim.tbl_contains(labels, 'train'), 'completion under output: offers keys, not the written train', labels)
  vim.api.nvim_buf_set_lines(plan, n, n + 1, true, {})
  vim.bo[plan].modified = false
  expect_diagnostics(plan, plan_findings)
end

-- Opens the dataset: the plan's server, the diagnostics, hover.
local function test_dataset()
  local data = edit('data.jsonl')
  expect(vim.bo[data].filetype == 'jsonl', 'the dataset has filetype jsonl', vim.bo[data].filetype)
  expect(vim.b[data].current_syntax == 'jsonl', "the dataset has the plugin's syntax", vim.b[data].current_syntax)
  local clients = ftls_clients()
  expect(#clients == 1 and vim.lsp.buf_is_attached(data, clients[1].id), "the plan's client serves it too", clients)
  local root = clients[1].config.root_dir
  expect(vim.fn.resolve(root) == vim.fn.resolve(work), 'the root is the folder holding the plan', root)
  expect_diagnostics(data, data_findings)
  local duplicate = by_code(vim.diagnostic.get(data)).D001
  expect(duplicate.severity == vim.diagnostic.severity.WARN, 'D001 is a warning', duplicate)

  local hover = request(data, 'textDocument/hover', {
    textDocument = { uri = vim.uri_from_bufnr(data) },
    position = { line = 1, character = 2 },
  })
  local text = hover and hover.contents and hover.contents.value
  expect(contains(text, '**Row 2**') and contains(text, '(user, assistant)'), 'hover names the row and roles', hover)
  expect(contains(text, 'line 4: `D001`'), 'hover lists the duplicate', text)
  local chatml = '<|im_start|>assistant\nYes, PayPal works at checkout.<|im_end|>'
  expect(contains(text, chatml), 'hover shows the row in ChatML', text)
  return data
end

-- The rule code shows with each diagnostic: in its message, so in the
-- virtual text, the float and the quickfix list alike.
local function test_codes(data)
  for _, d in ipairs(vim.diagnostic.get(data)) do
    expect(contains(d.message, d.code .. ': '), 'the message of ' .. d.code .. ' starts with its code', d)
  end
  vim.diagnostic.setqflist({ open = false })
  local texts = vim.tbl_map(function(item)
    return item.text
  end, vim.fn.getqflist())
  local in_list = false
  for _, text in ipairs(texts) do
    in_list = in_list or contains(text, 'C005: ')
  end
  expect(in_list, 'the quickfix list shows C005', texts)
  local virtual = {}
  -- vim.diagnostic's virtual text namespaces have no name: every id.
  for ns = 1, 200 do
    local ok, marks = pcall(vim.api.nvim_buf_get_extmarks, data, ns, 0, -1, { details = true })
    for _, mark in ipairs(ok and marks or {}) do
      for _, chunk in ipairs(mark[4].virt_text or {}) do
        table.insert(virtual, chunk[1])
      end
    end
  end
  local shown = false
  for _, text in ipairs(virtual) do
    shown = shown or contains(text, 'J001: ')
  end
  expect(shown, 'the virtual text shows J001', virtual)
  vim.api.nvim_win_set_cursor(0, { 3, 0 })
  local float_buf, float_win = vim.diagnostic.open_float(data, { scope = 'line' })
  local float = float_buf and table.concat(lines(float_buf), '\n') or ''
  expect(contains(float, 'J001: '), 'the float shows J001', float)
  if float_win then
    vim.api.nvim_win_close(float_win, true)
  end
end

local function lens_title(bufnr)
  local lens = vim.lsp.codelens.get(bufnr)[1]
  return lens and lens.command and lens.command.title
end

-- The lens of a dataset comes without asking, follows the edits, and
-- running it shows the statistics.
local function test_lenses(data)
  wait(15000, function()
    return contains(lens_title(data), ' rows')
  end, 'the code lens of the dataset', function()
    return vim.lsp.codelens.get(data)
  end)
  local before = lens_title(data)
  local want = ('ftls: %d rows'):format(#lines(data))
  expect(contains(before, want), 'the lens counts the rows', before)
end

local function test_lens_follows(data, before)
  local want = ('ftls: %d rows'):format(#lines(data))
  wait(15000, function()
    return contains(lens_title(data), want)
  end, 'the lens to follow the edits: ' .. want, function()
    return { before = before, now = lens_title(data) }
  end)
  vim.api.nvim_win_set_cursor(0, { 1, 0 })
  vim.lsp.codelens.run()
  local function stats_window()
    for _, win in ipairs(vim.api.nvim_list_wins()) do
      if vim.api.nvim_win_get_config(win).relative ~= '' then
        local text = table.concat(lines(vim.api.nvim_win_get_buf(win)), '\n')
        if contains(text, 'Dataset statistics') then
          return win
        end
      end
    end
  end
  wait(15000, stats_window, 'running the stats lens to show the statistics')
  vim.api.nvim_win_close(stats_window(), true)
  wait(15000, function()
    return contains(lens_title(data), want)
  end, 'the lens to come back after running it')
end

-- The quick fixes: one requested directly with the diagnostic as the server
-- published it, one through Neovim's own code action menu.
local function test_fixes(data)
  local uri = vim.uri_from_bufnr(data)
  local diagnostic = by_code(published[uri] or {}).C005
  expect(diagnostic ~= nil, 'C005 was published', published)
  local actions = request(data, 'textDocument/codeAction', {
    textDocument = { uri = uri },
    range = diagnostic.range,
    context = { diagnostics = { diagnostic }, only = { 'quickfix' } },
  })
  local fix
  for _, action in ipairs(actions or {}) do
    if action.edit and contains(action.title, '"assistant"') then
      fix = action
    end
  end
  expect(fix ~= nil, 'a quick fix changes the role to "assistant"', actions)
  -- 0.7 warns without the encoding, newer releases require it.
  vim.lsp.util.apply_workspace_edit(fix.edit, ftls_clients()[1].offset_encoding)
  local line = lines(data)[1]
  local fixed = contains(line, '{"role":"assistant","content":"Could you') and not contains(line, 'asistant')
  expect(fixed, 'the fix rewrote line 1', line)
  wait(15000, function()
    return not has_codes(data, { 'C005' })
  end, 'C005 to go after the fix')
  expect(has_codes(data, { 'J001', 'D001' }), 'the other findings stay', vim.diagnostic.get(data))

  -- vim.lsp.buf.code_action() on the duplicate's line sends the line's
  -- diagnostics back itself; the menu (vim.ui.select) is answered here.
  local offered = {}
  vim.ui.select = function(items, opts, on_choice)
    for i, item in ipairs(items) do
      local title = opts.format_item(item)
      table.insert(offered, title)
      if contains(title, 'duplicate') then
        return on_choice(item, i)
      end
    end
    on_choice(nil)
  end
  local want = lines(data)
  table.remove(want, 4)
  vim.api.nvim_win_set_cursor(0, { 4, 0 })
  vim.lsp.buf.code_action()
  wait(15000, function()
    return vim.api.nvim_buf_line_count(data) == #want
  end, 'the duplicate row to go', function()
    return { offered = offered, lines = lines(data) }
  end)
  expect(vim.deep_equal(lines(data), want), 'only the duplicate (line 4) went', lines(data))
  wait(15000, function()
    return not has_codes(data, { 'D001' })
  end, 'D001 to go after the fix')
end

-- The :Ftls* commands reach the server with the document.
local function test_commands(data)
  -- No plan governs the dataset: the server says so (and calls no model).
  local notes = received.notes
  vim.cmd('FtlsGenerate 3')
  wait(15000, function()
    return #notes > 0
  end, ':FtlsGenerate to be answered')
  local refused = contains(notes[1].msg, 'no plan governs data.jsonl') and notes[1].level == vim.log.levels.ERROR
  expect(refused, ':FtlsGenerate is refused for want of a plan', notes)

  -- :FtlsInfo writes the file on disk (it used to leave it empty, with
  -- the text in a hidden, modified buffer) and shows it in a window.
  vim.cmd('FtlsInfo')
  local info = work .. '/dataset_info.txt'
  wait(15000, function()
    local b = vim.fn.bufnr(info)
    return b > 0 and vim.fn.bufwinid(b) ~= -1 and vim.api.nvim_buf_line_count(b) > 1
  end, ':FtlsInfo to show dataset_info.txt', function()
    return { disk = read(info), buffers = vim.fn.execute('ls!') }
  end)
  local b = vim.fn.bufnr(info)
  local text = table.concat(lines(b), '\n')
  expect(contains(text, 'data.jsonl'), 'dataset_info.txt describes data.jsonl', text)
  expect(not vim.bo[b].modified, 'dataset_info.txt is not left modified', vim.fn.execute('ls!'))
  local disk = read(info)
  expect(disk == text .. '\n', 'dataset_info.txt on disk is what is shown, with one final newline', disk)
  vim.api.nvim_set_current_win(vim.fn.win_findbuf(data)[1])

  -- Accepted, since the version is the server's; 4 rows give no category
  -- a validation row at the default 10 %.
  local function answer()
    for _, msg in ipairs(received.messages) do
      if contains(msg, 'nothing to move') then
        return msg
      end
    end
  end
  vim.cmd('FtlsSplit')
  wait(15000, answer, ':FtlsSplit to be answered')
  expect(contains(answer(), 'no category of data.jsonl has enough rows'), ':FtlsSplit answer', answer())
  expect(#lines(data) == 4, ':FtlsSplit left the dataset alone', lines(data))

  expect(#received.requests == 0 and #notes == 1, 'no other prompt or error', received)
end

-- :FtlsSplit on a dataset with enough rows: the validation file is shown,
-- and :wall saves both files, each with one final newline (the new file
-- used to end in "\n\n" and get J003 at once).
local function test_split()
  local rows = {}
  for i = 1, 40 do
    rows[i] = ('{"messages":[{"role":"user","content":"Question number %d about parcel %d?"},{"role":"assistant","content":"Answer %d: it ships in %d days."}]}')
      :format(i, i * 37, i, i % 7 + 1)
  end
  local f = assert(io.open(work .. '/sizeable.jsonl', 'w'))
  f:write(table.concat(rows, '\n') .. '\n')
  f:close()
  local data = edit('sizeable.jsonl')
  wait(15000, function()
    return published[vim.uri_from_bufnr(data)] ~= nil
  end, 'the diagnostics of sizeable.jsonl')
  vim.cmd('FtlsSplit')
  local function shown()
    for _, win in ipairs(vim.api.nvim_list_wins()) do
      local name = vim.api.nvim_buf_get_name(vim.api.nvim_win_get_buf(win))
      if name:match('valid[^/]*%.jsonl$') then
        return vim.api.nvim_win_get_buf(win)
      end
    end
  end
  wait(15000, shown, ':FtlsSplit to show the validation file', function()
    return { messages = received.messages, buffers = vim.fn.execute('ls!') }
  end)
  local valid = shown()
  local moved = #lines(valid)
  expect(moved > 0 and #lines(data) + moved == 40, 'the split moved rows out of the dataset', { lines(valid), #lines(data) })
  expect(vim.api.nvim_get_current_buf() == data, 'the cursor stays in the dataset', vim.api.nvim_buf_get_name(0))
  vim.cmd('silent wall')
  local path = vim.api.nvim_buf_get_name(valid)
  local disk = read(path)
  expect(disk:sub(-1) == '\n' and disk:sub(-2) ~= '\n\n', 'the validation file ends in exactly one newline', disk)
  local train = read(work .. '/sizeable.jsonl')
  expect(train:sub(-1) == '\n' and train:sub(-2) ~= '\n\n', 'the training file ends in exactly one newline', train)
  wait(15000, function()
    local uri = vim.uri_from_bufnr(valid)
    return published[uri] ~= nil and published_version[uri] == vim.lsp.util.buf_versions[valid]
  end, 'the diagnostics of the validation file as it is', function()
    return { published_version, vim.lsp.util.buf_versions[valid] }
  end)
  expect(not has_codes(valid, { 'J003' }), 'no J003 on the validation file', vim.diagnostic.get(valid))
end

-- A dataset of over 4 MB: the server checks its lines while Neovim's
-- didOpen is still arriving (lsp/stream.go), with Neovim's order of the
-- message's fields, and finds the rows' problems at the top and far down.
local function test_large()
  local rows = {}
  for i = 1, 30000 do
    rows[i] = ('{"messages":[{"role":"user","content":"Question %d about item %d, é 😀 %s"},{"role":"assistant","content":"Answer %d"}]}')
      :format(i, i * 7, ('x'):rep(i % 90), i)
  end
  rows[4] = '{"messages":[{"role":"user","content":"hi"},{"role":"asistant","content":"hello"}]}'
  rows[25001] = '{"messages":[{"role":"user","content":"hey"},{"role":"asistant","content":"hello"}]}'
  local f = assert(io.open(work .. '/large.jsonl', 'w'))
  f:write(table.concat(rows, '\n') .. '\n')
  f:close()
  local large = edit('large.jsonl')
  local function misspelt()
    local at = {}
    for _, d in ipairs(vim.diagnostic.get(large)) do
      if d.code == 'C005' then
        table.insert(at, d.lnum)
      end
    end
    table.sort(at)
    return at
  end
  wait(30000, function()
    return #misspelt() == 2
  end, 'C005 on two rows of the large dataset', misspelt)
  expect(vim.deep_equal(misspelt(), { 3, 25000 }), 'C005 on lines 4 and 25001 of the large dataset', misspelt())
  expect(contains(read(server_log), 'checking it as it came'), 'the server checked the large dataset as it arrived', read(server_log))
  vim.cmd('bwipeout! ' .. large)
end

-- 0.11+: lsp/ftls.lua started by vim.lsp.enable instead of setup(), on the
-- dataset as it is on disk (the fixes above were not saved).
local function test_enable()
  vim.api.nvim_del_augroup_by_name('ftls')
  for _, client in ipairs(ftls_clients()) do
    client:stop()
  end
  vim.cmd('silent %bwipeout!')
  wait(15000, function()
    return #ftls_clients() == 0
  end, "setup()'s server to stop", ftls_clients)

  vim.lsp.config('ftls', {
    cmd = { binary, 'serve', '--log', server_log },
    settings = { ftls = { rules = { C018 = 'off' } } },
  })
  vim.lsp.enable('ftls')
  expect_diagnostics(edit('data.jsonl'), data_findings)
  expect_diagnostics(edit('support.plan.yaml'), plan_findings)
  expect(#ftls_clients() == 1, 'vim.lsp.enable started one server', ftls_clients())
end

local function test()
  test_lsp_config()
  local plan = test_plan()
  test_reload(plan)
  test_completion(plan)
  local data = test_dataset()
  test_codes(data)
  test_lenses(data)
  local before = lens_title(data)
  test_fixes(data)
  test_lens_follows(data, before)
  test_commands(data)
  test_split()
  test_large()
  if vim.lsp.enable then
    test_enable()
  end

  -- install.sh generated the help tags.
  vim.cmd('help :FtlsSplit')
  local help = vim.api.nvim_buf_get_name(0)
  expect(help == plugin .. '/doc/ftls.txt', ':help :FtlsSplit opens doc/ftls.txt', help)
  -- Errors and warnings echoed rather than notified (a deprecation, say).
  local messages = vim.fn.execute('messages')
  expect(not messages:find('%S'), 'no message in :messages', messages)

  local v = vim.version()
  local start = vim.lsp.start and 'vim.lsp.start' or 'vim.lsp.start_client'
  if vim.lsp.enable then
    start = start .. ', then vim.lsp.enable'
  end
  out(('nvim %d.%d.%d, server started with %s'):format(v.major, v.minor, v.patch, start))
  out(('nvim: %d passed, 0 failed'):format(passed))
  vim.cmd('qall!')
end

vim.opt.runtimepath:prepend(plugin)
vim.cmd('filetype on')
vim.cmd('syntax on')
-- -u NONE loads no plugins: source this one as a plugin manager would.
vim.cmd('runtime plugin/ftls.lua')

local ok, err = xpcall(test, debug.traceback)
if not ok then
  fail('error in the test: ' .. tostring(err))
end
