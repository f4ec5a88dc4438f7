-- The ftls server for Neovim 0.11+: with this plugin on 'runtimepath',
--   vim.lsp.enable('ftls')
-- starts it for datasets and plan files. Change it with
--   vim.lsp.config('ftls', { cmd = {...}, settings = { ftls = {...} } })
local ui = require('ftls.ui')

return {
  cmd = { 'ftls', 'serve' },
  -- Set by this plugin's ftdetect/: plan files are yaml.ftls so that they
  -- keep YAML highlighting without ftls attaching to every YAML file.
  filetypes = { 'jsonl', 'yaml.ftls' },
  -- Plain names only: unlike require('ftls').setup(), a folder holding a
  -- *.plan.yaml is not a root unless it also holds one of these.
  root_markers = { 'ftls.yaml', '.git' },
  -- The ftls settings go in settings.ftls (the "ftls" section the server
  -- pulls). Empty by default, so that ftls.yaml and the plans decide.
  settings = {},
  -- As require('ftls').setup() does (lua/ftls/ui.lua): rule codes in the
  -- diagnostics, code lenses that refresh by themselves, the stats lens.
  handlers = ui.handlers(),
  commands = ui.commands(),
  on_attach = ui.on_attach(nil),
  get_language_id = function(_, filetype)
    return filetype == 'yaml.ftls' and 'yaml' or filetype
  end,
  -- The first check runs before the server pulls its section: send the
  -- settings with initialize too. Nothing when empty, since Neovim would
  -- send an empty table as a JSON array, which the server rejects.
  before_init = function(params, config)
    local settings = config.settings and config.settings.ftls
    if type(settings) == 'table' and next(settings) ~= nil then
      params.initializationOptions = settings
    end
  end,
}
