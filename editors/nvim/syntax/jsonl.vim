" Neovim ships no jsonl syntax (0.12 neither): every line of a JSON Lines
" file is a JSON value, so JSON's rules colour it.
if exists('b:current_syntax')
  finish
endif
runtime! syntax/json.vim
let b:current_syntax = 'jsonl'
