" Vim syntax file
" Language:    flowc (.flow files: CI/CD processes compiled to GitHub Actions and GitLab CI)
" Source:      grammar/flowc.pest in the flowc repository
"
" Scripts of `step """..."""` are highlighted as shell (syntax/sh.vim) unless
" g:flowc_no_shell_highlight is set.

if exists('b:current_syntax')
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

" Names may contain `-`: `on-call` is a name, not `on` followed by `-call`.
syn iskeyword @,48-57,_,-
syn case match
syn sync fromstart

" ------------------------------------------------------------------ comments
syn keyword flowcTodo contained TODO FIXME XXX NOTE
syn match   flowcLineComment "//.*$" contains=flowcTodo,@Spell
syn region  flowcBlockComment start="/\*" end="\*/" contains=flowcTodo,@Spell

" ------------------------------------------------------------------ strings
syn match   flowcEscape contained +\\\%(["\\ntr0$]\|u{\x\+}\)+
syn match   flowcBadEscape contained +\\\%(["\\ntr0$]\|u{\x\+}\)\@!.\=+
" `{{name}}` in a template's strings: the parameter's value goes there.
syn match   flowcInterpolation contained "{{\h\k*}}"
syn region  flowcString start=+"+ skip=+\\\\\|\\"+ end=+"+ end=+$+ contains=flowcEscape,flowcBadEscape,flowcInterpolation
syn region  flowcString start=+"""+ end=+"""+ contains=flowcEscape,flowcBadEscape,flowcInterpolation
syn cluster flowcStrings contains=flowcString

" ------------------------------------------------------------------ literals
syn keyword flowcBoolean true false
syn keyword flowcNull null
syn match   flowcNumber "\k\@1<!-\=\d\+\%(\.\d\+\)\=\k\@!"
syn match   flowcDuration "\k\@1<!\d\+[mh]\k\@!"
" An unquoted string: a matrix value or a value in a target block.
syn match   flowcBareWord contained "[[:alnum:]_./-]\+"
syn cluster flowcLiterals contains=@flowcStrings,flowcBoolean,flowcNull,flowcNumber

" ------------------------------------------------------------------ expressions
" Contexts: branch, tag, event, actor, matrix.AXIS, inputs.NAME, outputs.ACTIVITY.NAME.
syn keyword flowcContext branch tag event actor
syn match   flowcContext "\<\%(matrix\|inputs\|outputs\|activity\|process\)\ze\s*\." nextgroup=flowcAccessor skipwhite
syn match   flowcAccessor contained "\.\s*" nextgroup=flowcProperty
syn match   flowcProperty contained "\h\k*" nextgroup=flowcAccessor skipwhite
syn match   flowcFunction "\<\%(startsWith\|contains\|success\|failure\|always\)\ze\s*("
syn keyword flowcEvent push pull_request schedule manual
syn match   flowcOperator "==\|!=\|&&\|||\|!\|="
syn cluster flowcExpression contains=@flowcLiterals,flowcContext,flowcFunction,flowcEvent,flowcOperator,flowcLineComment,flowcBlockComment

" ------------------------------------------------------------------ keywords
" Every `kw_*` rule of grammar/flowc.pest. `matrix`, `env`, `with`, `roles`, `github`
" and `gitlab` open blocks (below) and are keywords there.
" `process` and `activity` are also the heads of `process.owner`, `activity.name` in policies.
syn match   flowcDeclaration "\<process\>\%(\s*\.\)\@!" nextgroup=flowcProcessName skipwhite skipempty
syn match   flowcDeclaration "\<activity\>\%(\s*\.\)\@!" nextgroup=flowcActivityName skipwhite skipempty
syn keyword flowcDeclaration policy nextgroup=flowcPolicyName skipwhite skipempty
syn keyword flowcStatement owner manager run_by nextgroup=flowcRoleRef skipwhite
syn keyword flowcStatement approved_by nextgroup=flowcQuorum,flowcRoleRef skipwhite
syn match   flowcQuorum contained "\d\+\k\@!" nextgroup=flowcOf skipwhite
syn keyword flowcOf contained of nextgroup=flowcRoleRef skipwhite
syn keyword flowcStatement consulted informed nextgroup=flowcRoleListRef skipwhite
syn keyword flowcStatement policies nextgroup=flowcPolicyRef skipwhite
syn keyword flowcStatement message
syn keyword flowcConditional for require
syn keyword flowcStatement secrets secret nextgroup=flowcSecretRef skipwhite
syn keyword flowcStatement consumes nextgroup=flowcArtifactRef skipwhite
syn keyword flowcStatement output nextgroup=flowcOutputName skipwhite
syn keyword flowcStatement service nextgroup=flowcServiceName skipwhite
syn keyword flowcStatement environment nextgroup=flowcEnvironmentName skipwhite
syn keyword flowcStatement produces nextgroup=flowcArtifactKeyword skipwhite
syn keyword flowcArtifactKeyword contained artifact nextgroup=flowcArtifactName skipwhite
syn keyword flowcStatement artifact
syn keyword flowcStatement runs_on nextgroup=flowcRunner skipwhite
syn keyword flowcStatement user team image step checkout uses timeout retry allow_failure url
syn keyword flowcStatement include exclude
syn keyword flowcRepeat after nextgroup=flowcActivityRef skipwhite
syn keyword flowcConditional when
syn keyword flowcTrigger on nextgroup=flowcAnyTrigger skipwhite
" `on any`: every pipeline GitLab starts (a trigger, not an event `event ==` can test).
syn keyword flowcAnyTrigger contained any
syn keyword flowcType string boolean number
syn match   flowcType "\<choice\ze\s*\["
syn match   flowcStatement "\<\%(github\|gitlab\)\ze\s\+step\>"
" `name "..."` in an activity or a step's settings block: a keyword only before a string.
syn match   flowcStatement "\<name\ze\s\+\""

" Modules and templates: `import "path" as alias`, `export template NAME(PARAM: TYPE = DEFAULT)`,
" `activity NAME from alias.template(ARG: VALUE), local() after ...`.
syn keyword flowcInclude import nextgroup=flowcImportPath skipwhite
syn region  flowcImportPath contained start=+"+ skip=+\\\\\|\\"+ end=+"+ end=+$+ oneline
      \ contains=flowcEscape,flowcBadEscape nextgroup=flowcImportAs skipwhite
syn keyword flowcImportAs contained as nextgroup=flowcModuleName skipwhite
syn match   flowcModuleName contained "\h\k*"
syn keyword flowcStorageClass export
syn keyword flowcDeclaration template nextgroup=flowcTemplateName skipwhite skipempty
syn match   flowcTemplateName contained "\h\k*"
syn keyword flowcFrom from nextgroup=flowcModuleRef,flowcTemplateRef skipwhite skipempty
" `use alias.group(ARG: VALUE) as PREFIX`: a group template's activities in a process.
syn keyword flowcFrom use nextgroup=flowcModuleRef,flowcTemplateRef skipwhite skipempty
syn keyword flowcUseAs contained as nextgroup=flowcModuleName skipwhite
syn match   flowcModuleRef contained "\h\k*\ze\s*\." nextgroup=flowcTemplateDot skipwhite
syn match   flowcTemplateDot contained "\." nextgroup=flowcTemplateRef skipwhite
syn match   flowcTemplateRef contained "\h\k*\ze\s*(" nextgroup=flowcTemplateArgs skipwhite
syn region  flowcTemplateArgs contained matchgroup=flowcDelimiter start="(" end=")"
      \ contains=flowcParameter,@flowcLiterals,flowcLineComment,flowcBlockComment
      \ nextgroup=flowcTemplateComma,flowcUseAs skipwhite
syn match   flowcTemplateComma contained "," nextgroup=flowcModuleRef,flowcTemplateRef skipwhite skipempty

" Names being declared, and names referred to.
syn match   flowcProcessName contained "\h\k*"
syn match   flowcActivityName contained "\h\k*"
syn match   flowcArtifactName contained "\h\k*"
syn match   flowcServiceName contained "\h\k*"
syn match   flowcEnvironmentName contained "\h\k*"
syn match   flowcRunner contained "\<\%(linux\|macos\|windows\)\>"
syn match   flowcRoleRef contained "\h\k*"
" Lists of names: `secrets A, B`, `after a, b`, `consumes a, b`, `output a, b`.
syn match   flowcSecretRef contained "\h\k*" nextgroup=flowcSecretComma skipwhite
syn match   flowcSecretComma contained "," nextgroup=flowcSecretRef skipwhite skipempty
syn match   flowcArtifactRef contained "\h\k*" nextgroup=flowcArtifactComma skipwhite
syn match   flowcArtifactComma contained "," nextgroup=flowcArtifactRef skipwhite skipempty
syn match   flowcActivityRef contained "\h\k*" nextgroup=flowcActivityComma skipwhite
syn match   flowcActivityComma contained "," nextgroup=flowcActivityRef skipwhite skipempty
syn match   flowcOutputName contained "\h\k*" nextgroup=flowcOutputComma skipwhite
syn match   flowcOutputComma contained "," nextgroup=flowcOutputName skipwhite skipempty
syn match   flowcRoleListRef contained "\h\k*" nextgroup=flowcRoleListComma skipwhite
syn match   flowcRoleListComma contained "," nextgroup=flowcRoleListRef skipwhite skipempty
syn match   flowcPolicyRef contained "\h\k*" nextgroup=flowcPolicyComma skipwhite
syn match   flowcPolicyComma contained "," nextgroup=flowcPolicyRef skipwhite skipempty
syn match   flowcPolicyName contained "\h\k*"

" `on push(branches: [...])`, `manual(level: choice["a"] = "a")`, the parameters of a
" template and the arguments of a call
syn match   flowcParameter "\<\h\k*\ze\s*:"

" ------------------------------------------------------------------ blocks
" Each block is a region from its `{` (after the keyword) to the matching `}`. A name
" that looks like a keyword (`process matrix {`, `after build, env {`) opens no block.
syn match   flowcDeclaration "\<roles\ze\_s*{"
syn match   flowcStatement "\<\%(matrix\|env\|with\|github\|gitlab\)\ze\_s*{"

" roles { name = user "login" }
syn region  flowcRolesBlock matchgroup=flowcBrace start="\%(\%(\%(\<\%(process\|activity\|policy\|after\)\s\+\|,\s*\)\@<!\<roles\)\_s*\)\@<={" end="}"
      \ contains=flowcRoleName,flowcMember,@flowcStrings,flowcLineComment,flowcBlockComment
syn match   flowcRoleName contained "\<\h\k*\ze\s*="
syn keyword flowcMember contained user team

" env { KEY = expr }
syn region  flowcEnvBlock matchgroup=flowcBrace start="\%(\%(\%(\<\%(process\|activity\|policy\|after\)\s\+\|,\s*\)\@<!\<env\)\_s*\)\@<={" end="}"
      \ contains=flowcEnvName,@flowcExpression
syn match   flowcEnvName contained "\<\h\k*\ze\s*=[^=]"

" matrix { axis = [values] include { ... } exclude { ... } }
syn region  flowcMatrixBlock matchgroup=flowcBrace start="\%(\%(\%(\<\%(process\|activity\|policy\|after\)\s\+\|,\s*\)\@<!\<matrix\)\_s*\)\@<={" end="}"
      \ contains=flowcBareWord,@flowcLiterals,flowcMatrixAxis,flowcMatrixKeyword,flowcMatrixCombo,flowcLineComment,flowcBlockComment
syn region  flowcMatrixCombo contained matchgroup=flowcBrace start="{" end="}"
      \ contains=flowcBareWord,@flowcLiterals,flowcMatrixAxis,flowcLineComment,flowcBlockComment
syn keyword flowcMatrixKeyword contained include exclude
syn match   flowcMatrixAxis contained "\<\h\k*\ze\s*="

" uses "action" with { key = literal }
syn region  flowcWithBlock matchgroup=flowcBrace start="\%(\%(\%(\<\%(process\|activity\|policy\|after\)\s\+\|,\s*\)\@<!\<with\)\_s*\)\@<={" end="}"
      \ contains=flowcWithKey,@flowcLiterals,flowcOperator,flowcLineComment,flowcBlockComment
syn match   flowcWithKey contained "[[:alnum:]_.-]\+\ze\s*="
syn match   flowcWithKey contained +"\%([^"\\]\|\\.\)*"\ze\s*=+

" github { key: value } / gitlab { key: value }
syn region  flowcTargetBlock matchgroup=flowcBrace start="\%(\%(\%(\<\%(process\|activity\|policy\|after\)\s\+\|,\s*\)\@<!\<\%(github\|gitlab\)\)\_s*\)\@<={" end="}"
      \ contains=@flowcTargetValues
syn region  flowcTargetMap contained matchgroup=flowcBrace start="{" end="}" contains=@flowcTargetValues
syn match   flowcTargetNumber contained "[[:alnum:]_./-]\@1<!-\=\d\+\%(\.\d\+\)\=[[:alnum:]_./-]\@!"
syn match   flowcTargetConstant contained "[[:alnum:]_./-]\@1<!\%(true\|false\|null\)[[:alnum:]_./-]\@!"
syn match   flowcTargetKey contained "[[:alnum:]_.-]\+\ze\s*:"
syn match   flowcTargetKey contained +"\%([^"\\]\|\\.\)*"\ze\s*:+
syn cluster flowcTargetValues contains=flowcBareWord,flowcTargetNumber,flowcTargetConstant,flowcTargetKey,@flowcStrings,flowcTargetMap,flowcLineComment,flowcBlockComment

" ------------------------------------------------------------------ step scripts
if !get(g:, 'flowc_no_shell_highlight', 0)
  unlet! b:current_syntax
  let s:is_bash = get(b:, 'is_bash', 0)
  let b:is_bash = 1
  syn include @flowcShell syntax/sh.vim
  let b:is_bash = s:is_bash
  unlet! b:current_syntax
  " sh.vim sets its own keyword characters and syncing: put flowc's back.
  syn iskeyword @,48-57,_,-
  syn sync clear
  syn sync fromstart
  " flowc's escapes and placeholders win over the shell's backslash sequences and braces.
  syn match flowcEscape contained +\\\%(["\\ntr0$]\|u{\x\+}\)+
  syn match flowcInterpolation contained "{{\h\k*}}"
  " `step """`, `github step """`: the script between the quotes.
  syn region flowcShellScript matchgroup=flowcString start=+\%(\<step\s\+\)\@<="""+ end=+"""+ keepend
        \ contains=flowcEscape,flowcInterpolation,@flowcShell
endif

" ------------------------------------------------------------------ colours
hi def link flowcTodo             Todo
hi def link flowcLineComment      Comment
hi def link flowcBlockComment     Comment
hi def link flowcString           String
hi def link flowcEscape           SpecialChar
hi def link flowcInterpolation    Special
hi def link flowcBadEscape        Error
hi def link flowcBoolean          Boolean
hi def link flowcNull             Constant
hi def link flowcNumber           Number
hi def link flowcDuration         Number
hi def link flowcContext          Identifier
hi def link flowcAccessor         Delimiter
hi def link flowcProperty         Identifier
hi def link flowcFunction         Function
hi def link flowcEvent            Constant
hi def link flowcOperator         Operator
hi def link flowcDeclaration      Structure
hi def link flowcStatement        Statement
hi def link flowcArtifactKeyword  Statement
hi def link flowcMember           Statement
hi def link flowcMatrixKeyword    Statement
hi def link flowcRepeat           Statement
hi def link flowcConditional      Conditional
hi def link flowcTrigger          Statement
hi def link flowcType             Type
hi def link flowcProcessName      Title
hi def link flowcActivityName     Function
hi def link flowcRoleName         Type
hi def link flowcArtifactName     Identifier
hi def link flowcServiceName      Identifier
hi def link flowcEnvironmentName  Label
hi def link flowcRunner           Constant
hi def link flowcRoleRef          Type
hi def link flowcRoleListRef      Type
hi def link flowcQuorum           Number
hi def link flowcOf               Statement
hi def link flowcPolicyName       Title
hi def link flowcPolicyRef        Label
hi def link flowcSecretRef        Constant
hi def link flowcArtifactRef      Identifier
hi def link flowcActivityRef      Function
hi def link flowcOutputName       Identifier
hi def link flowcParameter        Identifier
hi def link flowcEnvName          Identifier
hi def link flowcMatrixAxis       Identifier
hi def link flowcBareWord         String
hi def link flowcWithKey          Identifier
hi def link flowcTargetKey        Identifier
hi def link flowcTargetNumber     Number
hi def link flowcTargetConstant   Constant
hi def link flowcBrace            Delimiter
hi def link flowcInclude          Include
hi def link flowcImportPath       String
hi def link flowcImportAs         Include
hi def link flowcModuleName       Identifier
hi def link flowcStorageClass     StorageClass
hi def link flowcTemplateName     Function
hi def link flowcFrom             Statement
hi def link flowcAnyTrigger       Constant
hi def link flowcUseAs            Include
hi def link flowcModuleRef        Identifier
hi def link flowcTemplateDot      Delimiter
hi def link flowcTemplateRef      Function
hi def link flowcTemplateComma    Delimiter
hi def link flowcDelimiter        Delimiter

let b:current_syntax = 'flowc'

let &cpo = s:cpo_save
unlet s:cpo_save
