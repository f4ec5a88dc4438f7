-- Filetype detection for datasets and plan files. ftdetect/ftls.vim runs it
-- at :filetype on; setup() runs it too, for a plugin put on 'runtimepath'
-- after that.
local M = {}

-- Each rule sets its filetype over the filetypes in `over` only, so that a
-- filetype the user or a later Neovim chose stays.
local rules = {
  -- Neovim 0.7 does not know JSON Lines.
  { patterns = { '*.jsonl', '*.ndjson' }, filetype = 'jsonl', over = { '' } },
  -- The compound filetype keeps YAML's syntax, indent and ftplugin (Neovim
  -- loads them for each dot-separated part) while the ftls client attaches
  -- to plan files only, not to every YAML file. It replaces the yaml that
  -- the built-in rule set just before.
  { patterns = { '*.plan.yaml', '*.plan.yml' }, filetype = 'yaml.ftls', over = { '', 'yaml' } },
}

local function apply(rule, bufnr)
  if vim.tbl_contains(rule.over, vim.bo[bufnr].filetype) then
    vim.bo[bufnr].filetype = rule.filetype
  end
end

--- Adds the rules to the filetypedetect group, where :filetype detect finds
--- them; once, and again after :filetype off has emptied that group.
function M.register()
  if vim.fn.exists('#filetypedetect#BufRead#' .. rules[1].patterns[1]) == 1 then
    return
  end
  local group = vim.api.nvim_create_augroup('filetypedetect', { clear = false })
  for _, rule in ipairs(rules) do
    vim.api.nvim_create_autocmd({ 'BufRead', 'BufNewFile' }, {
      group = group,
      pattern = rule.patterns,
      callback = function(ev)
        apply(rule, ev.buf)
      end,
    })
  end
end

--- Applies the rules to a buffer read before they were registered.
---@param bufnr integer
function M.detect(bufnr)
  local name = vim.api.nvim_buf_get_name(bufnr)
  for _, rule in ipairs(rules) do
    for _, pattern in ipairs(rule.patterns) do
      if vim.fn.match(name, vim.fn.glob2regpat(pattern)) >= 0 then
        apply(rule, bufnr)
      end
    end
  end
end

return M
