-- ftls for Neovim: require('ftls').setup({...}) starts the ftls language
-- server for JSON Lines datasets and *.plan.yaml plan files.
local M = {}

-- The filetypes of datasets and plan files (lua/ftls/filetype.lua).
M.filetypes = { 'jsonl', 'yaml.ftls' }

-- Besides these, setup() passes on_attach and capabilities to the client as
-- they are (see :h ftls-options).
local defaults = {
  -- ftls must be on $PATH for the default.
  cmd = { 'ftls', 'serve' },
  -- The keys of the "ftls" settings section (target, model, maxTokens,
  -- rules, generation, ...). They override ftls.yaml.
  settings = {},
}

--- Starts the server for dataset and plan buffers, from now on and for those
--- already open. Calling it again replaces the options for the servers
--- started after that.
---@param opts table|nil
function M.setup(opts)
  opts = opts or {}
  local config = vim.tbl_deep_extend('force', defaults, opts)
  -- Lists are not merged element by element: a shorter cmd would keep the
  -- default's tail.
  config.cmd = opts.cmd or defaults.cmd
  -- Checked here rather than with vim.validate, whose table form newer
  -- releases deprecate and whose positional form 0.7 lacks.
  if type(config.cmd) ~= 'table' or type(config.cmd[1]) ~= 'string' then
    error('ftls.setup: cmd must be a list of strings, such as { "ftls", "serve" }')
  end
  if type(config.settings) ~= 'table' then
    error('ftls.setup: settings must be a table')
  end

  local filetype = require('ftls.filetype')
  local client = require('ftls.client')
  filetype.register()
  require('ftls.commands').create()
  -- Buffers read before setup() ran (a plugin loaded lazily or put on
  -- 'runtimepath' late) missed the filetype rules and the autocommand below.
  local loaded = vim.tbl_filter(vim.api.nvim_buf_is_loaded, vim.api.nvim_list_bufs())
  for _, bufnr in ipairs(loaded) do
    filetype.detect(bufnr)
  end

  local group = vim.api.nvim_create_augroup('ftls', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = M.filetypes,
    callback = function(ev)
      client.start(ev.buf, config)
    end,
  })
  for _, bufnr in ipairs(loaded) do
    if vim.tbl_contains(M.filetypes, vim.bo[bufnr].filetype) then
      client.start(bufnr, config)
    end
  end
end

return M
