-- What the ftls client adds to Neovim's own LSP client, on every release
-- from 0.7: the rule code in each diagnostic's message, code lenses that
-- refresh by themselves, a stats lens that shows the statistics when run,
-- 'omnifunc', and window/showDocument (the files :FtlsSplit and :FtlsInfo
-- wrote) on 0.7. client.lua and lsp/ftls.lua put these in the client's
-- configuration.
local M = {}

-- 0.11 made the client's functions methods and deprecated the dot call.
local function request(client, method, params, handler, bufnr)
  if vim.fn.has('nvim-0.11') == 1 then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

-- Code lenses -------------------------------------------------------------

-- Neovim asks for code lenses only when told to. They are asked again
-- shortly after each publication of diagnostics (the server publishes
-- when its check of an edit ends: the counts in the lens changed) and when
-- a buffer is entered; the delay merges the two publications of one edit.
local lens_delay = 150
local lens_timers = {}

local function refresh_now(bufnr)
  if not vim.api.nvim_buf_is_loaded(bufnr) then
    return
  end
  if vim.fn.has('nvim-0.10') == 1 then
    vim.lsp.codelens.refresh({ bufnr = bufnr })
  else
    -- 0.7-0.9 refresh the current buffer only.
    vim.api.nvim_buf_call(bufnr, vim.lsp.codelens.refresh)
  end
end

--- Asks for the code lenses of bufnr again, after a short delay.
---@param bufnr integer
function M.refresh_lenses(bufnr)
  local timer = lens_timers[bufnr]
  if not timer then
    timer = (vim.uv or vim.loop).new_timer()
    lens_timers[bufnr] = timer
  end
  timer:stop()
  timer:start(
    lens_delay,
    0,
    vim.schedule_wrap(function()
      refresh_now(bufnr)
    end)
  )
end

local function forget_lenses(bufnr)
  local timer = lens_timers[bufnr]
  if timer then
    timer:stop()
    timer:close()
    lens_timers[bufnr] = nil
  end
end

-- Handlers ----------------------------------------------------------------

-- "C005 role ..." rather than "role ...": virtual text, the float, the
-- quickfix and location lists (which take only the message) all show it.
local function with_codes(diagnostics)
  for _, d in ipairs(diagnostics or {}) do
    local code = d.code
    if (type(code) == 'string' or type(code) == 'number') and type(d.message) == 'string' then
      local prefix = tostring(code) .. ': '
      if d.message:sub(1, #prefix) ~= prefix then
        d.message = prefix .. d.message
      end
    end
  end
end

local function publish_diagnostics(err, result, ctx, config)
  if result then
    with_codes(result.diagnostics)
  end
  -- Looked up at each call: the user's own handler, if any, stays in use.
  local ret = vim.lsp.handlers['textDocument/publishDiagnostics'](err, result, ctx, config)
  if result and result.uri then
    local bufnr = vim.uri_to_bufnr(result.uri)
    if vim.lsp.buf_is_attached(bufnr, ctx.client_id) then
      M.refresh_lenses(bufnr)
    end
  end
  return ret
end

-- A file the server wrote (dataset_info.txt) may be loaded already: read
-- it again unless it has changes of its own, or the window would show
-- the old text.
local function reload(bufnr)
  if vim.api.nvim_buf_is_loaded(bufnr) and not vim.bo[bufnr].modified then
    vim.cmd('checktime ' .. bufnr)
  end
end

-- window/showDocument for 0.7, which lacks it: a file the server wants
-- shown opens in a new window below, or stays where it is already shown;
-- the cursor stays in the current window unless takeFocus.
local function show_document_07(_, result)
  if result.external then
    return { success = false }
  end
  local bufnr = vim.uri_to_bufnr(result.uri)
  vim.fn.bufload(bufnr)
  vim.bo[bufnr].buflisted = true
  reload(bufnr)
  local win = vim.fn.bufwinid(bufnr)
  if win == -1 then
    local prev = vim.api.nvim_get_current_win()
    vim.cmd('split')
    win = vim.api.nvim_get_current_win()
    vim.api.nvim_win_set_buf(win, bufnr)
    if not result.takeFocus then
      vim.api.nvim_set_current_win(prev)
    end
  elseif result.takeFocus then
    vim.api.nvim_set_current_win(win)
  end
  return { success = true }
end

local function show_document(err, result, ctx, config)
  local builtin = vim.lsp.handlers['window/showDocument']
  if not builtin then
    return show_document_07(err, result)
  end
  if result and result.uri and not result.external then
    reload(vim.uri_to_bufnr(result.uri))
  end
  return builtin(err, result, ctx, config)
end

--- The client's handlers.
function M.handlers()
  return {
    ['textDocument/publishDiagnostics'] = publish_diagnostics,
    ['window/showDocument'] = show_document,
  }
end

--- The client's capabilities: `base` (the user's, else Neovim's) with
--- window/showDocument, which this plugin handles on 0.7 too.
---@param base table|nil
function M.capabilities(base)
  local caps = vim.deepcopy(base or vim.lsp.protocol.make_client_capabilities())
  caps.window = caps.window or {}
  caps.window.showDocument = { support = true }
  return caps
end

-- Commands ----------------------------------------------------------------

-- The stats lens: the server answers ftls.stats with the statistics in
-- Markdown, which Neovim would drop. Shown in a floating window.
local function stats(command, ctx)
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  if not client then
    return
  end
  local params = { command = command.command, arguments = command.arguments }
  request(client, 'workspace/executeCommand', params, function(err, result)
    if err then
      vim.notify('ftls: ' .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
    elseif type(result) == 'string' and result ~= '' then
      local lines = vim.split(result, '\n', { plain = true })
      local opts = { focus_id = 'ftls_stats', border = 'rounded' }
      -- 0.10 highlights Markdown with tree-sitter, whose parser a
      -- distribution may leave out: then as plain text.
      if not pcall(vim.lsp.util.open_floating_preview, lines, 'markdown', opts) then
        vim.lsp.util.open_floating_preview(lines, '', opts)
      end
    end
    -- Running a lens hides it until the next refresh.
    refresh_now(ctx.bufnr)
  end, ctx.bufnr)
end

--- The client's commands (run by code lenses).
function M.commands()
  return { ['ftls.stats'] = stats }
end

-- Attaching ---------------------------------------------------------------

--- Sets up bufnr for the client: 'omnifunc' (0.10+ sets it itself) and the
--- code lens refreshes; then calls the user's on_attach.
---@param user_on_attach function|nil
function M.on_attach(user_on_attach)
  return function(client, bufnr)
    if vim.bo[bufnr].omnifunc == '' then
      vim.bo[bufnr].omnifunc = 'v:lua.vim.lsp.omnifunc'
    end
    local group = vim.api.nvim_create_augroup('ftls_lenses_' .. bufnr, { clear = true })
    vim.api.nvim_create_autocmd({ 'BufEnter', 'InsertLeave' }, {
      group = group,
      buffer = bufnr,
      callback = function()
        M.refresh_lenses(bufnr)
      end,
    })
    vim.api.nvim_create_autocmd({ 'BufWipeout', 'BufUnload' }, {
      group = group,
      buffer = bufnr,
      callback = function()
        forget_lenses(bufnr)
      end,
    })
    M.refresh_lenses(bufnr)
    if user_on_attach then
      user_on_attach(client, bufnr)
    end
  end
end

return M
