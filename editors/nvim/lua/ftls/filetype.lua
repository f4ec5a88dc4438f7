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

-- Whether Neovim detects filetypes with the legacy filetype.vim: 0.7 unless
-- g:do_filetype_lua, 0.8 with g:do_legacy_filetype; 0.9 has only
-- filetype.lua.
local function legacy()
  if vim.fn.has('nvim-0.9') == 1 then
    return false
  end
  if vim.fn.has('nvim-0.8') == 1 then
    return vim.g.do_legacy_filetype ~= nil
  end
  return vim.g.do_filetype_lua ~= 1
end

-- Plan files must get yaml.ftls from the detection itself, never yaml
-- first and yaml.ftls after: :e!, an autoread reload and :filetype detect
-- run the detection again, and a passing yaml would reload YAML's
-- ftplugins, fire FileType yaml and make the buffer flip between the two.
local function register_plan()
  local rule = rules[2]
  if vim.filetype and vim.filetype.add then
    -- filetype.lua: patterns of priority 0 win over the extension (yaml).
    -- On 0.7 this only counts with g:do_filetype_lua; harmless otherwise.
    vim.filetype.add({ pattern = { ['.*%.plan%.ya?ml'] = rule.filetype } })
  end
  if legacy() then
    -- filetype.vim's `setf yaml` for *.yaml runs before any ftdetect/
    -- script: put the plan rule before it. setfiletype then keeps the
    -- first filetype set.
    vim.cmd([[
      augroup filetypedetect
      autocmd! BufNewFile,BufRead *.yaml,*.yml
      autocmd BufNewFile,BufRead *.plan.yaml,*.plan.yml setfiletype yaml.ftls
      autocmd BufNewFile,BufRead *.yaml,*.yml setfiletype yaml
      augroup END
    ]])
  end
end

--- Adds the rules to the filetypedetect group, where :filetype detect finds
--- them; once, and again after :filetype off has emptied that group.
function M.register()
  if vim.fn.exists('#filetypedetect#BufRead#' .. rules[1].patterns[1]) == 1 then
    return
  end
  local group = vim.api.nvim_create_augroup('filetypedetect', { clear = false })
  local jsonl = rules[1]
  vim.api.nvim_create_autocmd({ 'BufRead', 'BufNewFile' }, {
    group = group,
    pattern = jsonl.patterns,
    callback = function(ev)
      apply(jsonl, ev.buf)
    end,
  })
  register_plan()
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
