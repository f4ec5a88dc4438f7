" Filetypes of datasets (jsonl) and plan files (yaml.ftls): see
" lua/ftls/filetype.lua, which setup() also runs.
lua require('ftls.filetype').register()
