/**
 * @file Tree-sitter grammar for flowc's `.flow` files.
 *
 * It follows `grammar/flowc.pest` in the flowc repository (the source of truth) rule by
 * rule; the comment above each rule names the pest rule it mirrors. Keywords are only
 * keywords where the grammar expects them (`word` below), so a role called `owner` or a
 * process called `matrix` parses as in flowc.
 */

/// <reference types="tree-sitter-cli/dsl" />
// @ts-check

/** `rule ("," rule)*` */
const commaSep1 = (rule) => seq(rule, repeat(seq(',', rule)));
/** `(rule ("," rule)* ","?)?` */
const commaSepTrailing = (rule) => optional(seq(commaSep1(rule), optional(',')));
/** `rule ("," rule)* ","?` */
const commaSep1Trailing = (rule) => seq(commaSep1(rule), optional(','));
/** `(rule ","?)*`: entries separated by commas or nothing (new lines). */
const entries = (rule) => repeat(seq(rule, optional(',')));

module.exports = grammar({
  name: 'flowc',

  // WHITESPACE (including the byte order mark) and COMMENT.
  extras: ($) => [/\s/, /\uFEFF/, $.comment],

  word: ($) => $.identifier,

  rules: {
    // file = { SOI ~ (import_stmt | roles | policy | template | process)* ~ EOI }
    source_file: ($) => repeat(choice($.import_statement, $.roles, $.policy, $.template, $.process)),

    // line_comment | block_comment (not nested)
    comment: (_) =>
      token(choice(seq('//', /[^\n]*/), seq('/*', /[^*]*\*+([^/*][^*]*\*+)*/, '/'))),

    // ------------------------------------------------------ modules and templates
    // import_stmt = { kw_import ~ string ~ kw_as ~ ident }
    import_statement: ($) => seq('import', field('path', $.string), 'as', field('alias', $.identifier)),
    // template = { kw_export? ~ kw_template ~ ident ~ "(" ~ (param ~ ("," ~ param)* ~ ","?)? ~ ")"
    //              ~ "{" ~ (activity | activity_stmt)* ~ "}" }
    template: ($) =>
      seq(
        optional(field('export', $.export)),
        'template',
        field('name', $.identifier),
        field('parameters', $.parameters),
        '{',
        repeat(choice($.activity, $._activity_statement)),
        '}',
      ),
    // kw_export
    export: (_) => 'export',
    parameters: ($) => seq('(', commaSepTrailing($.parameter), ')'),
    // param = { ident ~ ":" ~ param_type ~ ("=" ~ literal)? }
    parameter: ($) =>
      seq(
        field('name', $.identifier),
        ':',
        field('type', $.primitive_type),
        optional(seq('=', field('default', $._literal))),
      ),
    // from_clause = { kw_from ~ template_call ~ ("," ~ template_call)* }
    from_clause: ($) => seq('from', commaSep1(field('template', $.template_call))),
    // template_call = { path ~ "(" ~ (call_arg ~ ("," ~ call_arg)* ~ ","?)? ~ ")" }: the last
    // name of the path is the template, the one before it the module's alias.
    template_call: ($) =>
      seq(
        repeat(seq(field('module', $.identifier), '.')),
        field('name', $.identifier),
        field('arguments', $.template_arguments),
      ),
    template_arguments: ($) => seq('(', commaSepTrailing($.template_argument), ')'),
    // call_arg = { ident ~ ":" ~ literal }
    template_argument: ($) => seq(field('name', $.identifier), ':', field('value', $._literal)),

    // ------------------------------------------------------------------ roles
    // roles = { kw_roles ~ "{" ~ role* ~ "}" }
    roles: ($) => seq('roles', '{', repeat($.role), '}'),
    // role = { ident ~ "=" ~ members }
    role: ($) => seq(field('name', $.identifier), '=', field('members', choice($.member, $.member_list))),
    // members = "[" ~ (member ~ ("," ~ member)* ~ ","?)? ~ "]"
    member_list: ($) => seq('[', commaSepTrailing($.member), ']'),
    // member = { (kw_user | kw_team) ~ string }
    member: ($) => seq(field('kind', choice('user', 'team')), field('login', $.string)),

    // --------------------------------------------------------------- policies
    // policy = { kw_policy ~ ident ~ "{" ~ policy_stmt* ~ "}" }
    policy: ($) =>
      seq(
        'policy',
        field('name', $.identifier),
        '{',
        repeat(choice($.for_statement, $.require_statement, $.message_statement)),
        '}',
      ),
    // policy_for = { kw_for ~ expr }
    for_statement: ($) => seq('for', field('condition', $._expression)),
    // policy_require = { kw_require ~ expr }
    require_statement: ($) => seq('require', field('condition', $._expression)),
    // policy_message = { kw_message ~ string }
    message_statement: ($) => seq('message', field('message', $.string)),

    // ---------------------------------------------------------------- process
    // process = { kw_process ~ ident ~ "{" ~ process_stmt* ~ "}" }
    process: ($) => seq('process', field('name', $.identifier), '{', repeat($._process_statement), '}'),
    _process_statement: ($) =>
      choice(
        $.owner_statement,
        $.manager_statement,
        $.policies_statement,
        $.on_statement,
        $.env_block,
        $.secrets_statement,
        $.activity,
        $.use_statement,
        $.target_block,
      ),
    // use_stmt = { kw_use ~ template_call ~ (kw_as ~ ident)? }: a group template's activities.
    use_statement: ($) =>
      seq('use', field('template', $.template_call), optional(seq('as', field('prefix', $.identifier)))),
    // owner_stmt = { kw_owner ~ ident }
    owner_statement: ($) => seq('owner', field('role', $.identifier)),
    // manager_stmt = { kw_manager ~ ident }
    manager_statement: ($) => seq('manager', field('role', $.identifier)),
    // policies_stmt = { kw_policies ~ ident ~ ("," ~ ident)* }
    policies_statement: ($) => seq('policies', commaSep1(field('policy', $.identifier))),
    // secrets_stmt = { kw_secrets ~ ident ~ ("," ~ ident)* }
    secrets_statement: ($) => seq('secrets', commaSep1(field('secret', $.identifier))),
    // on_stmt = { kw_on ~ trigger ~ ("," ~ trigger)* }
    on_statement: ($) => seq('on', commaSep1($.trigger)),
    // trigger = { ident ~ ("(" ~ (trigger_arg ~ ("," ~ trigger_arg)* ~ ","?)? ~ ")")? }
    trigger: ($) =>
      seq(field('event', $.identifier), optional(field('arguments', $.trigger_arguments))),
    trigger_arguments: ($) => seq('(', commaSepTrailing($.trigger_argument), ')'),
    // trigger_arg = { ident ~ ":" ~ (input_decl | value) }
    trigger_argument: ($) =>
      seq(
        field('name', $.identifier),
        ':',
        field('value', choice($.input_declaration, $._literal, $.literal_list)),
      ),
    // input_decl = { input_type ~ ("=" ~ literal)? }
    input_declaration: ($) =>
      seq(
        field('type', choice($.primitive_type, $.choice_type)),
        optional(seq('=', field('default', $._literal))),
      ),
    // kw_string | kw_boolean | kw_number
    primitive_type: (_) => choice('string', 'boolean', 'number'),
    // choice_type = { kw_choice ~ "[" ~ string ~ ("," ~ string)* ~ ","? ~ "]" }
    choice_type: ($) => seq('choice', '[', commaSep1Trailing($.string), ']'),
    // env_block = { kw_env ~ "{" ~ (env_entry ~ ","?)* ~ "}" }
    env_block: ($) => seq('env', '{', entries($.env_entry), '}'),
    // env_entry = { ident ~ "=" ~ expr }
    env_entry: ($) => seq(field('name', $.identifier), '=', field('value', $._expression)),

    // --------------------------------------------------------------- activity
    // activity = { kw_activity ~ ident ~ from_clause? ~ after_clause? ~ "{" ~ activity_stmt* ~ "}" }
    activity: ($) =>
      seq(
        'activity',
        field('name', $.identifier),
        optional($.from_clause),
        optional($.after_clause),
        '{',
        repeat($._activity_statement),
        '}',
      ),
    // after_clause = { kw_after ~ ident ~ ("," ~ ident)* }
    after_clause: ($) => seq('after', commaSep1(field('activity', $.identifier))),
    _activity_statement: ($) =>
      choice(
        $.name_statement,
        $.runs_on_statement,
        $.image_statement,
        $.step_statement,
        $.env_block,
        $.secret_statement,
        $.matrix_block,
        $.when_statement,
        $.timeout_statement,
        $.retry_statement,
        $.allow_failure_statement,
        $.service_statement,
        $.environment_statement,
        $.approved_by_statement,
        $.run_by_statement,
        $.consulted_statement,
        $.informed_statement,
        $.produces_statement,
        $.consumes_statement,
        $.output_statement,
        $.target_block,
      ),
    // name_stmt = { kw_name ~ string }: the activity's portable display name.
    name_statement: ($) => seq('name', field('name', $.string)),
    // runs_on_stmt = { kw_runs_on ~ (string | path) }
    runs_on_statement: ($) => seq('runs_on', field('runner', choice($.string, $.path))),
    // image_stmt = { kw_image ~ string }
    image_statement: ($) => seq('image', field('image', $.string)),
    // step_stmt = { step_target? ~ kw_step ~ (kw_checkout | uses_step | string) ~ step_block? }
    step_statement: ($) =>
      seq(
        optional(field('target', choice('github', 'gitlab'))),
        'step',
        choice(field('checkout', $.checkout), $.uses_step, field('script', $.string)),
        optional(field('settings', $.step_block)),
      ),
    // step_block = { "{" ~ (step_name | target_block)* ~ "}" }
    step_block: ($) => seq('{', repeat(choice($.step_name, $.target_block)), '}'),
    // step_name = { kw_name ~ string }: the step's portable display name.
    step_name: ($) => seq('name', field('name', $.string)),
    // kw_checkout
    checkout: (_) => 'checkout',
    // uses_step = { kw_uses ~ string ~ (kw_with ~ "{" ~ (with_entry ~ ","?)* ~ "}")? }
    uses_step: ($) => seq('uses', field('action', $.string), optional($.with_block)),
    with_block: ($) => seq('with', '{', entries($.with_entry), '}'),
    // with_entry = { key ~ "=" ~ literal }
    with_entry: ($) => seq(field('key', $._key), '=', field('value', $._literal)),
    // secret_stmt = { kw_secret ~ ident ~ ("," ~ ident)* }
    secret_statement: ($) => seq('secret', commaSep1(field('secret', $.identifier))),
    // matrix_block = { kw_matrix ~ "{" ~ (matrix_axis | matrix_include | matrix_exclude)* ~ "}" }
    matrix_block: ($) =>
      seq('matrix', '{', repeat(choice($.matrix_axis, $.matrix_include, $.matrix_exclude)), '}'),
    // matrix_axis = { ident ~ "=" ~ "[" ~ matrix_value ~ ("," ~ matrix_value)* ~ ","? ~ "]" ~ ","? }
    matrix_axis: ($) =>
      seq(
        field('name', $.identifier),
        '=',
        '[',
        commaSep1Trailing(field('value', $._matrix_value)),
        ']',
        optional(','),
      ),
    // matrix_include = { kw_include ~ matrix_combo }
    matrix_include: ($) => seq('include', $.matrix_combination),
    // matrix_exclude = { kw_exclude ~ matrix_combo }
    matrix_exclude: ($) => seq('exclude', $.matrix_combination),
    // matrix_combo = { "{" ~ (matrix_pair ~ ","?)* ~ "}" }
    matrix_combination: ($) => seq('{', entries($.matrix_pair), '}'),
    // matrix_pair = { ident ~ "=" ~ matrix_value }
    matrix_pair: ($) => seq(field('axis', $.identifier), '=', field('value', $._matrix_value)),
    // matrix_value = { literal | ident }: a bare word is a string.
    _matrix_value: ($) => choice($._literal, alias($.identifier, $.bare_word)),
    // when_stmt = { kw_when ~ expr }
    when_statement: ($) => seq('when', field('condition', $._expression)),
    // timeout_stmt = { kw_timeout ~ duration }
    timeout_statement: ($) => seq('timeout', field('duration', $.duration)),
    // retry_stmt = { kw_retry ~ integer }
    retry_statement: ($) => seq('retry', field('count', $.integer)),
    // allow_failure_stmt = ${ kw_allow_failure ~ (inline_space+ ~ allow_failure_when)? }
    // The `when` must stand on the same line: on the next line it starts the activity's
    // own `when` statement. `allow_failure when` is therefore one token whose spaces
    // cannot include a line break (the longest match wins over `allow_failure` alone).
    allow_failure_statement: ($) =>
      choice(
        'allow_failure',
        seq(
          alias(token(seq('allow_failure', /[ \t]+/, 'when')), 'allow_failure when'),
          field('condition', $._expression),
        ),
      ),
    // service_stmt = { kw_service ~ ident ~ string ~ ("{" ~ env_block? ~ "}")? }
    service_statement: ($) =>
      seq(
        'service',
        field('name', $.identifier),
        field('image', $.string),
        optional(seq('{', optional($.env_block), '}')),
      ),
    // environment_stmt = { kw_environment ~ (ident | string) ~ (kw_url ~ string)? }
    environment_statement: ($) =>
      seq(
        'environment',
        field('name', choice($.identifier, $.string)),
        optional(seq('url', field('url', $.string))),
      ),
    // approved_by_stmt = { kw_approved_by ~ (integer ~ kw_of)? ~ ident }
    approved_by_statement: ($) =>
      seq('approved_by', optional(seq(field('quorum', $.integer), 'of')), field('role', $.identifier)),
    // run_by_stmt = { kw_run_by ~ ident }
    run_by_statement: ($) => seq('run_by', field('role', $.identifier)),
    // consulted_stmt = { kw_consulted ~ ident ~ ("," ~ ident)* }
    consulted_statement: ($) => seq('consulted', commaSep1(field('role', $.identifier))),
    // informed_stmt = { kw_informed ~ ident ~ ("," ~ ident)* }
    informed_statement: ($) => seq('informed', commaSep1(field('role', $.identifier))),
    // produces_stmt = { kw_produces ~ kw_artifact ~ ident ~ "=" ~ (string | string_list) }
    produces_statement: ($) =>
      seq(
        'produces',
        'artifact',
        field('name', $.identifier),
        '=',
        field('paths', choice($.string, $.string_list)),
      ),
    // consumes_stmt = { kw_consumes ~ ident ~ ("," ~ ident)* }
    consumes_statement: ($) => seq('consumes', commaSep1(field('artifact', $.identifier))),
    // output_stmt = { kw_output ~ ident ~ ("," ~ ident)* }
    output_statement: ($) => seq('output', commaSep1(field('name', $.identifier))),

    // ---------------------------------------------------------- target blocks
    // target_block = { (kw_github | kw_gitlab) ~ "{" ~ tv_entries ~ "}" }
    target_block: ($) =>
      seq(field('target', choice('github', 'gitlab')), '{', entries($.target_entry), '}'),
    // tv_entry = { key ~ ":" ~ tv_value }
    target_entry: ($) => seq(field('key', $._key), ':', field('value', $._target_value)),
    // tv_value = { tv_map | tv_list | literal | bare_word }
    _target_value: ($) =>
      choice(
        $.target_map,
        $.target_list,
        $._literal,
        alias($.identifier, $.bare_word),
        alias($._bare_word, $.bare_word),
      ),
    // tv_map = { "{" ~ tv_entries ~ "}" }
    target_map: ($) => seq('{', entries($.target_entry), '}'),
    // tv_list = { "[" ~ (tv_value ~ ("," ~ tv_value)* ~ ","?)? ~ "]" }
    target_list: ($) => seq('[', commaSepTrailing($._target_value), ']'),
    // key = { string | bare_key }
    _key: ($) => choice($.string, alias($.identifier, $.bare_key), alias($._bare_key, $.bare_key)),

    // ------------------------------------------------------------ expressions
    // expr = { or_expr }
    _expression: ($) => choice($.or_expression, $._and_level),
    // or_expr = { and_expr ~ ("||" ~ and_expr)* }
    or_expression: ($) =>
      seq(field('left', $._expression), field('operator', '||'), field('right', $._and_level)),
    _and_level: ($) => choice($.and_expression, $._unary_level),
    // and_expr = { unary ~ ("&&" ~ unary)* }
    and_expression: ($) =>
      seq(field('left', $._and_level), field('operator', '&&'), field('right', $._unary_level)),
    _unary_level: ($) => choice($.not_expression, $._comparison_level),
    // unary = { not_op* ~ comparison }
    not_expression: ($) => seq(field('operator', '!'), field('operand', $._unary_level)),
    _comparison_level: ($) => choice($.comparison, $._operand),
    // comparison = { operand ~ (cmp_op ~ operand)? }
    comparison: ($) =>
      seq(field('left', $._operand), field('operator', choice('==', '!=')), field('right', $._operand)),
    // operand = _{ literal | call | list_expr | path | "(" ~ expr ~ ")" }
    _operand: ($) => choice($._literal, $.call, $.list, $.path, $.parenthesized_expression),
    // call = { ident ~ "(" ~ (expr ~ ("," ~ expr)* ~ ","?)? ~ ")" }
    call: ($) => seq(field('function', $.identifier), field('arguments', $.arguments)),
    arguments: ($) => seq('(', commaSepTrailing($._expression), ')'),
    // list_expr = { "[" ~ (expr ~ ("," ~ expr)* ~ ","?)? ~ "]" }
    list: ($) => seq('[', commaSepTrailing($._expression), ']'),
    // path = { ident ~ ("." ~ ident)* }
    path: ($) => seq($.identifier, repeat(seq('.', $.identifier))),
    parenthesized_expression: ($) => seq('(', $._expression, ')'),

    // ------------------------------------------------------- values and tokens
    // literal_list = { "[" ~ (literal ~ ("," ~ literal)* ~ ","?)? ~ "]" }
    literal_list: ($) => seq('[', commaSepTrailing($._literal), ']'),
    // string_list = { "[" ~ (string ~ ("," ~ string)* ~ ","?)? ~ "]" }
    string_list: ($) => seq('[', commaSepTrailing($.string), ']'),
    // literal = { string | number | kw_true | kw_false | kw_null }
    _literal: ($) => choice($.string, $.number, $.true, $.false, $.null),
    true: (_) => 'true',
    false: (_) => 'false',
    null: (_) => 'null',

    // string = ${ triple_string | plain_string }
    string: ($) =>
      choice(
        // plain_string: `"..."` on one line.
        seq('"', optional(alias($._plain_content, $.string_content)), token.immediate('"')),
        // triple_string: `"""` ... `"""`, any text but `"""`.
        seq('"""', optional(alias($._triple_content, $.string_content)), token.immediate('"""')),
      ),
    _plain_content: ($) =>
      repeat1(
        choice(
          token.immediate(prec(1, /[^"\\\n{]+/)),
          // a `{` that does not start a placeholder
          token.immediate(/\{/),
          $.interpolation,
          $.escape_sequence,
          $.invalid_escape,
        ),
      ),
    _triple_content: ($) =>
      repeat1(
        choice(
          token.immediate(prec(1, /[^"\\{]+/)),
          // one or two quotes inside the text (three end it)
          token.immediate(/""?/),
          token.immediate(/\{/),
          $.interpolation,
          $.escape_sequence,
          $.invalid_escape,
        ),
      ),
    // `{{name}}`: a template parameter, replaced by the argument's text (src/check/templates.rs).
    // One token, so that `{{ x }}` or `${{ github.sha }}` stay plain text.
    interpolation: (_) => token.immediate(prec(3, /\{\{[A-Za-z_][A-Za-z0-9_-]*\}\}/)),
    // `\"`, `\\`, `\n`, `\t`, `\r`, `\0`, `\$` and `\u{e9}` (src/syntax/strings.rs).
    escape_sequence: (_) => token.immediate(prec(2, /\\(["\\ntr0$]|u\{[0-9A-Fa-f]+\})/)),
    // Any other backslash sequence is an error (E0002).
    invalid_escape: (_) => token.immediate(prec(1, /\\[^\n]?/)),

    // Tokens in the order the lexer prefers them when two match the same text: an
    // identifier before a bare word or key, a number before a bare word.
    // ident = @{ (ASCII_ALPHA | "_") ~ ident_char* }
    identifier: (_) => /[A-Za-z_][A-Za-z0-9_-]*/,
    // number = @{ "-"? ~ ASCII_DIGIT+ ~ ("." ~ ASCII_DIGIT+)? ~ !ident_char }
    number: (_) => /-?[0-9]+(\.[0-9]+)?/,
    // integer = @{ ASCII_DIGIT+ ~ !ident_char }
    integer: (_) => /[0-9]+/,
    // duration = @{ ASCII_DIGIT+ ~ ("m" | "h") ~ !ident_char }
    duration: (_) => /[0-9]+[mh]/,
    // bare_word = @{ (ASCII_ALPHANUMERIC | "_" | "-" | "." | "/")+ }: a name-like word is
    // lexed as an identifier (so that `true`, `false` and `null` stay keywords).
    _bare_word: (_) => /[A-Za-z0-9_.\/-]+/,
    // bare_key = @{ (ASCII_ALPHANUMERIC | "_" | "-" | ".")+ }
    _bare_key: (_) => /[A-Za-z0-9_.-]+/,
  },
});
