-- The :Ftls* commands: workspace/executeCommand requests for the current
-- buffer, with the command ids and arguments of the server (lsp/split.go,
-- lsp/generate.go, lsp/review_run.go). The server answers at once and reports the outcome
-- itself (a message, an edit to apply, a confirmation to give), so only a
-- refused request is shown here.
local M = {}

local function ftls_client(bufnr)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ bufnr = bufnr, name = 'ftls' })[1]
  end
  -- 0.7-0.9.
  for _, client in pairs(vim.lsp.buf_get_clients(bufnr)) do
    if client.name == 'ftls' then
      return client
    end
  end
end

-- The document as the server knows it: it refuses a split or an info
-- command for another version, since it answers with an edit of that
-- version. Requests flush pending changes first, so the versions agree.
local function document(bufnr)
  return { uri = vim.uri_from_bufnr(bufnr), version = vim.lsp.util.buf_versions[bufnr] }
end

---@param bufnr integer
---@param command string
---@param argument table the command's one argument
local function execute(bufnr, command, argument)
  local client = ftls_client(bufnr)
  if not client then
    vim.notify('ftls: the server is not attached to this buffer', vim.log.levels.ERROR)
    return
  end
  local params = { command = command, arguments = { argument } }
  local function handler(err)
    if err then
      vim.notify('ftls: ' .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
    end
  end
  -- 0.11 made the client's functions methods and deprecated the dot call.
  if vim.fn.has('nvim-0.11') == 1 then
    client:request('workspace/executeCommand', params, handler, bufnr)
  else
    client.request('workspace/executeCommand', params, handler, bufnr)
  end
end

--- :FtlsGenerate [count] [category]: asks the server to generate examples
--- for the plan of the current dataset or plan buffer. Without a count the
--- server generates what the plan still lacks.
---@param args string[]
function M.generate(args)
  local bufnr = vim.api.nvim_get_current_buf()
  local argument = document(bufnr)
  for _, arg in ipairs(args) do
    if arg:match('^%d+$') and not argument.count then
      argument.count = tonumber(arg)
    elseif not arg:match('^%d+$') and not argument.category then
      argument.category = arg
    else
      vim.notify('ftls: usage: :FtlsGenerate [count] [category]', vim.log.levels.ERROR)
      return
    end
  end
  execute(bufnr, 'ftls.generate', argument)
end

--- :FtlsReview [line...]: asks the server to have the judge model review
--- the rows of the current dataset without a verdict (or the rows on the
--- given lines, 1-based); the server confirms with the estimated cost,
--- reports progress and shows the verdicts as diagnostics (lsp/review_run.go).
---@param args string[]
function M.review(args)
  local bufnr = vim.api.nvim_get_current_buf()
  local argument = document(bufnr)
  for _, arg in ipairs(args) do
    if not arg:match('^%d+$') or tonumber(arg) < 1 then
      vim.notify('ftls: usage: :FtlsReview [line...]', vim.log.levels.ERROR)
      return
    end
    argument.lines = argument.lines or {}
    table.insert(argument.lines, tonumber(arg) - 1)
  end
  execute(bufnr, 'ftls.review', argument)
end

--- :FtlsSplit: moves a validation set out of the current dataset.
function M.split()
  local bufnr = vim.api.nvim_get_current_buf()
  execute(bufnr, 'ftls.splitValidation', document(bufnr))
end

--- :FtlsInfo: writes the dataset's statistics document (dataset_info.txt).
function M.info()
  local bufnr = vim.api.nvim_get_current_buf()
  execute(bufnr, 'ftls.writeInfo', document(bufnr))
end

--- Defines the user commands; plugin/ftls.lua and setup() call it (a
--- plugin put on 'runtimepath' late has its plugin/ skipped). Defining them
--- again replaces them.
function M.create()
  vim.api.nvim_create_user_command('FtlsGenerate', function(cmd)
    M.generate(cmd.fargs)
  end, { nargs = '*', desc = 'ftls: generate examples for the plan ([count] [category])' })
  vim.api.nvim_create_user_command('FtlsReview', function(cmd)
    M.review(cmd.fargs)
  end, { nargs = '*', desc = 'ftls: review the unreviewed rows (or the rows on [line...]) with the judge model' })
  vim.api.nvim_create_user_command('FtlsSplit', M.split, {
    nargs = 0,
    desc = 'ftls: split a validation set out of this dataset',
  })
  vim.api.nvim_create_user_command('FtlsInfo', M.info, {
    nargs = 0,
    desc = "ftls: write this dataset's dataset_info.txt",
  })
end

return M
