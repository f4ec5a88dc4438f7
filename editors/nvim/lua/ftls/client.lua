-- Starts the ftls server for a buffer, or attaches the buffer to the
-- server already running for its root.
local root = require('ftls.root')
local ui = require('ftls.ui')

local M = {}

-- Neovim 0.7 only: the client id per root, so that buffers of one root share
-- a server. vim.lsp.start (0.8+) finds the client to reuse by itself.
local by_root = {}

-- Plan files are YAML to the protocol; the yaml.ftls filetype only serves to
-- attach ftls to them.
local function language_id(_, filetype)
  return filetype == 'yaml.ftls' and 'yaml' or filetype
end

---@param opts table the options of require('ftls').setup()
---@param root_dir string
local function client_config(opts, root_dir)
  local config = {
    name = 'ftls',
    cmd = opts.cmd,
    root_dir = root_dir,
    get_language_id = language_id,
    -- 'omnifunc' and code lens refreshes, then the user's on_attach.
    on_attach = ui.on_attach(opts.on_attach),
    capabilities = ui.capabilities(opts.capabilities),
    -- Rule codes in the diagnostics, lens refreshes, showDocument on 0.7.
    handlers = ui.handlers(),
    -- The stats lens.
    commands = ui.commands(),
  }
  -- Left out when empty: Neovim sends an empty Lua table as a JSON array,
  -- which the server rejects as settings.
  if next(opts.settings) ~= nil then
    -- Pulled by the server with workspace/configuration (section "ftls").
    config.settings = { ftls = opts.settings }
    -- The first check runs before that pull: it uses these.
    config.init_options = opts.settings
  end
  return config
end

--- Starts or reuses the ftls client for `bufnr` and attaches the buffer.
---@param bufnr integer
---@param opts table the options of require('ftls').setup()
function M.start(bufnr, opts)
  local path = vim.api.nvim_buf_get_name(bufnr)
  -- The server reads a document's plan, ftls.yaml and sibling files from
  -- disk, by its path: buffers that are not files get nothing from it.
  if path == '' or vim.bo[bufnr].buftype ~= '' then
    return
  end
  if vim.fn.executable(opts.cmd[1]) ~= 1 then
    vim.notify_once(
      ('ftls: %s is not executable; install ftls or set cmd in require("ftls").setup()'):format(opts.cmd[1]),
      vim.log.levels.WARN
    )
    return
  end
  local config = client_config(opts, root.find(path))
  if vim.lsp.start then
    -- 0.8's vim.lsp.start attaches the current buffer, which need not be
    -- bufnr (setup() attaches buffers that were open before it ran).
    vim.api.nvim_buf_call(bufnr, function()
      vim.lsp.start(config)
    end)
    return
  end
  local id = by_root[config.root_dir]
  local running = id and vim.lsp.get_client_by_id(id)
  -- Start anew once the server has exited (get_client_by_id returns nil)
  -- or is shutting down.
  if not running or running.is_stopped() then
    id = vim.lsp.start_client(config)
    if not id then
      return
    end
    by_root[config.root_dir] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
end

return M
