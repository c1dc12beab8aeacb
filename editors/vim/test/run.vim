" Checks the syntax items of a .flow file against assertion comments, in the format of
" vscode-tmgrammar-test: a line `//   ^^^ flowcKeyword` asserts that the columns marked
" with `^` in the closest source line above are inside a syntax item of that name
" (`// <-- name` marks columns from the first; `- name` asserts the item is absent).
"
"   vim -Nu NONE -Es -c 'set rtp^=editors/vim' -c 'filetype plugin on' -c 'syntax on' \
"       -c 'edit editors/vim/test/syntax.flow' -S editors/vim/test/run.vim
"
" Writes a report to $FLOWC_VIM_REPORT (or prints it) and exits non-zero on failure.

let s:failures = []
let s:checked = 0
if &filetype !=# 'flowc'
  call add(s:failures, 'filetype is "' . &filetype . '", expected "flowc"')
endif
if get(b:, 'current_syntax', '') !=# 'flowc'
  call add(s:failures, 'b:current_syntax is not "flowc"')
endif
if &commentstring !=# '// %s'
  call add(s:failures, 'commentstring is "' . &commentstring . '"')
endif

let s:source = 0
for s:lnum in range(1, line('$'))
  let s:text = getline(s:lnum)
  let s:m = matchlist(s:text, '^//\( *\)\(\^\+\)\s\+\(.*\)$')
  let s:from_start = matchlist(s:text, '^// \?<\(-\+\)\s\+\(.*\)$')
  if empty(s:m) && empty(s:from_start)
    if s:text !~# '^//'
      let s:source = s:lnum
    endif
    continue
  endif
  if s:source == 0
    continue
  endif
  if !empty(s:m)
    let s:first = len(s:m[1]) + 2 + 1
    let s:count = len(s:m[2])
    let s:spec = s:m[3]
  else
    let s:first = 1
    let s:count = len(s:from_start[1])
    let s:spec = s:from_start[2]
  endif
  let s:negative = s:spec =~# '^-\s'
  let s:names = split(substitute(s:spec, '^-\s\+', '', ''))
  for s:col in range(s:first, s:first + s:count - 1)
    let s:stack = map(synstack(s:source, s:col), 'synIDattr(v:val, "name")')
    for s:name in s:names
      let s:checked += 1
      let s:present = index(s:stack, s:name) >= 0
      if s:present == s:negative
        call add(s:failures, printf('line %d column %d (%s): %s %s; items: [%s]',
              \ s:source, s:col, strpart(getline(s:source), s:col - 1, 12),
              \ s:negative ? 'unexpected' : 'missing', s:name, join(s:stack, ', ')))
      endif
    endfor
  endfor
endfor

let s:report = [printf('%s: %d checks, %d failures', expand('%'), s:checked, len(s:failures))] + s:failures
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
