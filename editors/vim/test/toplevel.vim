" Checks that no syntax region leaks: in a whole .flow file, every `roles` or `process`
" at the start of a line is a declaration outside any block, and every `}` at the start
" of a line closes everything. Usage as for run.vim, with any .flow file.
let s:failures = []
let s:checked = 0
for s:lnum in range(1, line('$'))
  let s:text = getline(s:lnum)
  if s:text =~# '^\%(process\|roles\)\>'
    let s:want = ['flowcDeclaration']
  elseif s:text =~# '^}'
    " the end of a process, or of a roles block (the block's own brace)
    let s:want = synIDattr(synID(s:lnum, 1, 1), 'name') ==# 'flowcBrace' ? ['flowcBrace'] : []
  else
    continue
  endif
  let s:checked += 1
  let s:stack = map(synstack(s:lnum, 1), 'synIDattr(v:val, "name")')
  if s:stack != s:want
    call add(s:failures, printf('line %d: items [%s], expected [%s]', s:lnum, join(s:stack, ', '), join(s:want, ', ')))
  endif
endfor
if &filetype !=# 'flowc'
  call add(s:failures, 'filetype is "' . &filetype . '"')
endif
let s:report = [printf('%s: %d top-level lines, %d failures', expand('%'), s:checked, len(s:failures))] + s:failures
if empty($FLOWC_VIM_REPORT)
  for s:line in s:report
    verbose echo s:line
  endfor
else
  call writefile(s:report, $FLOWC_VIM_REPORT)
endif
if empty(s:failures) && s:checked > 0
  qall!
endif
cquit!
