" flowc's .flow files. JavaScript's Flow uses `*.js.flow`: those stay with whatever
" detects them first unless this is the only rule that matches.
autocmd BufNewFile,BufRead *.flow
      \ if expand('<afile>') !~# '\.js\.flow$' | setlocal filetype=flowc | endif
