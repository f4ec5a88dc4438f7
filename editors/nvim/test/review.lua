-- The real-editor test of the review, run by test/run.sh before
-- generate.lua, with FTLS_BINARY, FTLS_PLUGIN, FTLS_WORK and FTLS_PROVIDER
-- (internal/fakeprovider, which answers review requests as a judge: an
-- answer containing WRONG scores 1 on accuracy, with a rewrite).
--
-- :FtlsReview reviews the buffer's rows after a confirmation; the verdicts
-- land in data.jsonl.ftls-review and come back as an R001 diagnostic on
-- the wrong answer, whose quick fix is the reviewer's rewrite; hover shows
-- the verdict; a second :FtlsReview has nothing left to send.
local binary = assert(os.getenv('FTLS_BINARY'), 'FTLS_BINARY is not set')
local plugin = assert(os.getenv('FTLS_PLUGIN'), 'FTLS_PLUGIN is not set')
local work = assert(os.getenv('FTLS_WORK'), 'FTLS_WORK is not set')
local provider = assert(os.getenv('FTLS_PROVIDER'), 'FTLS_PROVIDER is not set')
local server_log = work .. '/ftls-review.log'

local received = { messages = {}, progress = {}, notes = {} }
local harness = dofile(debug.getinfo(1, 'S').source:sub(2):match('^(.*/)') .. 'harness.lua')
local h = harness.new('review', server_log, received)
local out, read, fail, expect, wait = h.out, h.read, h.fail, h.expect, h.wait
-- Headless: confirm the run, record messages and progress.
harness.record(received, 'Review')

local function r001(buf)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.code == 'R001' then
      return d
    end
  end
end

local function last_message()
  return received.messages[#received.messages] or ''
end

local function test()
  local dir = work .. '/review'
  vim.fn.mkdir(dir, 'p')
  local data = dir .. '/data.jsonl'
  local f = assert(io.open(data, 'w'))
  f:write('{"messages": [{"role": "user", "content": "Boiling point of water?"}, {"role": "assistant", "content": "WRONG: 50 degrees."}]}\n')
  f:write('{"messages": [{"role": "user", "content": "Capital of France?"}, {"role": "assistant", "content": "Paris."}]}\n')
  f:close()

  require('ftls').setup({
    cmd = { binary, 'serve', '--log', server_log },
    settings = { baseUrl = provider, apiKey = 'sk-test-nvim-review' },
  })
  vim.cmd('edit ' .. vim.fn.fnameescape(data))
  local buf = vim.api.nvim_get_current_buf()
  local clients = vim.lsp.get_clients or vim.lsp.get_active_clients
  wait(15000, function()
    local c = clients()[1]
    return c ~= nil and vim.lsp.buf_is_attached(buf, c.id)
  end, 'the server to attach')
  vim.wait(1000) -- the first check
  expect(r001(buf) == nil, 'no R001 before the review', vim.diagnostic.get(buf))

  vim.cmd('FtlsReview')
  wait(30000, function()
    return r001(buf) ~= nil
  end, 'the R001 finding of the review', function()
    return vim.diagnostic.get(buf)
  end)
  local d = r001(buf)
  expect(d.lnum == 0 and d.message:find('The answer is wrong.', 1, true), 'R001 on the wrong answer with the reason', d)
  expect(received.messages[1] and received.messages[1]:match('^Review 2 rows of data.jsonl'), 'the confirmation names the rows', received.messages)
  -- The finding may show before the run's last progress: the check that
  -- picks up the new verdicts can come first.
  local function ended()
    for _, v in ipairs(received.progress) do
      if v.kind == 'end' then
        return v.message
      end
    end
  end
  wait(10000, ended, 'the end of the progress')
  expect(ended():match('2 rows reviewed, 1 flagged') ~= nil, 'the progress ends with the counts', received.progress)
  local side = read(data .. '.ftls-review')
  expect(side and side:find('The answer is wrong.', 1, true) and not side:find('sk-test', 1, true), 'the verdicts are in the sidecar, without the key', side)

  -- The quick fix is the reviewer's rewrite.
  local params = vim.lsp.util.make_range_params()
  params.range = { start = { line = 0, character = 0 }, ['end'] = { line = 0, character = 0 } }
  params.context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(buf, 0) }
  local titles = {}
  for _, res in pairs(vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', params, 5000) or {}) do
    for _, a in ipairs(res.result or {}) do
      table.insert(titles, a.title)
    end
  end
  local rewrite = false
  for _, t in ipairs(titles) do
    rewrite = rewrite or t:find("Replace the answer with the reviewer's rewrite", 1, true) ~= nil
  end
  expect(rewrite, 'the rewrite is a quick fix', titles)

  -- Hover shows the verdict.
  local hover = ''
  local hp = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = 0, character = 3 } }
  for _, res in pairs(vim.lsp.buf_request_sync(buf, 'textDocument/hover', hp, 5000) or {}) do
    if res.result and res.result.contents then
      hover = hover .. (res.result.contents.value or '')
    end
  end
  expect(hover:find('**Review**: accuracy 1/5', 1, true), 'hover shows the verdict', hover)

  -- Everything is reviewed: a second request sends nothing.
  local n = #received.messages
  vim.cmd('FtlsReview')
  wait(10000, function()
    return #received.messages > n
  end, 'the answer to a second :FtlsReview')
  expect(last_message():match('nothing to review'), 'a second review has nothing to send', received.messages)

  local v = vim.version()
  out(('nvim %d.%d.%d review: R001 shown, rewrite offered, verdict on hover'):format(v.major, v.minor, v.patch))
  h.done()
  vim.cmd('qall!')
end

h.run(plugin, test)
