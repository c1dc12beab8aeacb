" Vim filetype plugin for flowc's .flow files.
if exists('b:did_ftplugin')
  finish
endif
let b:did_ftplugin = 1

setlocal commentstring=//\ %s
setlocal comments=s1:/*,mb:*,ex:*/,://
setlocal formatoptions-=t formatoptions+=croql
setlocal iskeyword=@,48-57,_,-
setlocal expandtab shiftwidth=2 softtabstop=2
setlocal suffixesadd=.flow

let b:undo_ftplugin = 'setlocal commentstring< comments< formatoptions< iskeyword< expandtab< shiftwidth< softtabstop< suffixesadd<'
