-- The folder a buffer's ftls client serves. Buffers under the same folder
-- share one server process.
local M = {}

local uv = vim.uv or vim.loop

local function is_plan(name)
  return name:match('.%.plan%.ya?ml$') ~= nil
end

-- A folder is a root when it holds ftls.yaml, a plan (plans name their
-- datasets relative to their own folder) or .git.
local function is_root(dir)
  if uv.fs_stat(dir .. '/ftls.yaml') or uv.fs_stat(dir .. '/.git') then
    return true
  end
  -- Scanned rather than globbed, so that wildcard characters in the path
  -- are taken literally.
  local scan = uv.fs_scandir(dir)
  while scan do
    local name = uv.fs_scandir_next(scan)
    if not name then
      break
    end
    if is_plan(name) then
      return true
    end
  end
  return false
end

--- The nearest folder above `path` (a file) that is a root, else the file's
--- own folder.
---@param path string
---@return string
function M.find(path)
  local start = vim.fn.fnamemodify(path, ':p:h')
  local dir = start
  while true do
    if is_root(dir) then
      return dir
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir then
      return start
    end
    dir = parent
  end
end

return M
