-- What the headless tests of long, confirmed operations share (review.lua,
-- generate.lua): reporting, bounded waits, and client handlers that
-- confirm the server's question and record what it says.
local M = {}

-- new returns the test's helpers; name labels its summary line, and
-- server_log and received are printed when a check fails.
function M.new(name, server_log, received)
  local h = { passed = 0 }

  function h.out(msg)
    io.stdout:write(msg .. '\n')
  end

  -- read returns a file's content, or nil.
  function h.read(path)
    local f = io.open(path)
    if not f then
      return nil
    end
    local text = f:read('*a')
    f:close()
    return text
  end

  function h.fail(what, got)
    io.stderr:write('FAIL: ' .. what .. '\n')
    if got ~= nil then
      io.stderr:write('got: ' .. vim.inspect(got) .. '\n')
    end
    io.stderr:write('received: ' .. vim.inspect(received) .. '\n')
    io.stderr:write('server log:\n' .. (h.read(server_log) or '(none)') .. '\n')
    h.out(('nvim %s: %d passed, 1 failed'):format(name, h.passed))
    vim.cmd('cquit 1')
  end

  function h.expect(ok, what, got)
    if not ok then
      h.fail(what, got)
    end
    h.passed = h.passed + 1
  end

  function h.wait(ms, cond, what, got)
    if not vim.wait(ms, cond, 20) then
      h.fail(('timed out after %d ms waiting for %s'):format(ms, what), got and got())
    end
  end

  function h.done()
    h.out(('nvim %s: %d passed, 0 failed'):format(name, h.passed))
  end

  -- run loads the plugin from its folder and runs test, failing on an
  -- error it raises.
  function h.run(plugin, test)
    vim.opt.runtimepath:prepend(plugin)
    vim.cmd('filetype on')
    vim.cmd('runtime plugin/ftls.lua')
    local ok, err = xpcall(test, debug.traceback)
    if not ok then
      h.fail('error in the test: ' .. tostring(err))
    end
  end

  vim.defer_fn(function()
    h.fail('global timeout (100 s)')
  end, 100000)
  return h
end

-- record answers the server's confirmation with the action titled
-- confirm, and keeps its messages, progress and notifications in received.
function M.record(received, confirm)
  vim.lsp.handlers['window/showMessageRequest'] = function(_, result)
    table.insert(received.messages, result.message)
    return { title = confirm }
  end
  vim.lsp.handlers['window/showMessage'] = function(_, result)
    table.insert(received.messages, result.message)
  end
  local progress = vim.lsp.handlers['$/progress']
  vim.lsp.handlers['$/progress'] = function(err, result, ctx, config)
    table.insert(received.progress, result.value)
    if progress then
      return progress(err, result, ctx, config)
    end
  end
  vim.notify = function(msg, level)
    table.insert(received.notes, { msg = msg, level = level })
  end
end

return M
