-- The user commands, here rather than only in setup() so that they also
-- work when vim.lsp.enable('ftls') (0.11+) started the server.
if vim.g.loaded_ftls then
  return
end
vim.g.loaded_ftls = true
require('ftls.commands').create()
