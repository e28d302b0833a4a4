import Mustache from 'mustache';
import { ValidationError, type ErrorDetail } from '@doitcrm/kit';
import { CHANNEL_BODY_FORMAT, type DispatchChannel } from '@doitcrm/types';

// mustache caches every text it parses for ever; the page's live preview parses a new text per keystroke
Mustache.templateCache = undefined;

/** A variable name: what SMS providers accept as a template parameter key, and what reads the same in every channel. */
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

type Piece = { text: string } | { variable: string };

export interface TemplateText {
  channel: DispatchChannel;
  subject: string | null;
  body: string;
}

export type VariableValues = Record<string, unknown>;

export interface RenderedMessage {
  subject?: string;
  body: string;
}

/** A send or preview lacking values for some of the template's variables; `missing` names them in template order. */
export class MissingVariablesError extends ValidationError {
  readonly missing: string[];
  constructor(missing: string[]) {
    super(`缺少变量：${missing.join('、')}`, missing.map((name) => ({ field: `variables.${name}`, message: `缺少变量 ${name}` })));
    this.missing = missing;
  }
}

/**
 * Splits a template text into literal text and `{{variable}}` placeholders with mustache's own parser (so what counts
 * as a placeholder is exactly what a mustache reader expects). Only plain placeholders and comments are accepted:
 * `{{{raw}}}` / `{{&raw}}` would skip the channel's escaping, and sections, partials and delimiter changes are logic
 * a message template does not need and a reviewer cannot see at a glance.
 */
function piecesOf(text: string, field: string): Piece[] {
  let tokens: ReturnType<typeof Mustache.parse>;
  try {
    tokens = Mustache.parse(text);
  } catch (error) {
    throw new ValidationError(`模板语法错误：${(error as Error).message}`, [{ field, message: (error as Error).message }]);
  }
  const pieces: Piece[] = [];
  const problems: ErrorDetail[] = [];
  for (const token of tokens) {
    const [kind, value, start, end] = token;
    if (kind === 'text') pieces.push({ text: value });
    else if (kind === 'name' && VARIABLE_NAME.test(value)) pieces.push({ variable: value });
    else if (kind === 'name') problems.push({ field, message: `变量名 ${value} 不合法：只能用字母、数字和下划线，且不以数字开头` });
    else if (kind !== '!') problems.push({ field, message: `不支持 ${text.slice(start, end)}：只能用 {{变量}} 占位符` });
  }
  if (problems.length > 0) throw new ValidationError(problems.map((problem) => problem.message).join('；'), problems);
  return pieces;
}

const variablesOfPieces = (pieces: Piece[]): string[] => pieces.flatMap((piece) => ('variable' in piece ? [piece.variable] : []));

/** The variables a template uses, subject first, each once, in the order they first appear. Throws on bad syntax. */
export function templateVariables(template: Pick<TemplateText, 'subject' | 'body'>): string[] {
  const names = [
    ...(template.subject === null ? [] : variablesOfPieces(piecesOf(template.subject, 'subject'))),
    ...variablesOfPieces(piecesOf(template.body, 'body')),
  ];
  return [...new Set(names)];
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
// every character CommonMark (and WeCom's and Feishu's markdown subsets) reads as formatting, plus `<` so a value
// cannot open WeCom's <font> tag
const escapeMarkdown = (value: string): string => value.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (c) => `\\${c}`);
// a subject is a header line and a title one line: a value must not start another
const oneLine = (value: string): string => value.replace(/[\r\n]+/g, ' ');

const BODY_ESCAPE: Record<(typeof CHANNEL_BODY_FORMAT)[DispatchChannel], (value: string) => string> = {
  html: escapeHtml,
  markdown: escapeMarkdown,
  plain: (value) => value,
};

function valueText(name: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new ValidationError(`变量 ${name} 的值必须是文字或数字`, [{ field: `variables.${name}`, message: '必须是文字、数字或布尔值' }]);
}

const lacking = (names: string[], variables: VariableValues): string[] =>
  names.filter((name) => !Object.hasOwn(variables, name) || variables[name] === null || variables[name] === undefined);

/** The variables of `template` that `variables` has no value for (absent or null). */
export function missingVariables(template: Pick<TemplateText, 'subject' | 'body'>, variables: VariableValues): string[] {
  return lacking(templateVariables(template), variables);
}

/**
 * A template parsed once, rendering as many messages as asked: what a worker keeps per template (and version) so a
 * batch of 10,000 is not parsed 10,000 times. Throws at once on bad syntax; each render as renderTemplate does.
 */
export function compileTemplate(template: TemplateText): (variables: VariableValues) => RenderedMessage {
  const subject = template.subject === null ? null : piecesOf(template.subject, 'subject');
  const body = piecesOf(template.body, 'body');
  const names = [...new Set(variablesOfPieces([...(subject ?? []), ...body]))];
  const escapeBody = BODY_ESCAPE[CHANNEL_BODY_FORMAT[template.channel]];
  return (variables) => {
    const missing = lacking(names, variables);
    if (missing.length > 0) throw new MissingVariablesError(missing);
    const fill = (pieces: Piece[], escape: (value: string) => string): string =>
      pieces.map((piece) => ('text' in piece ? piece.text : escape(valueText(piece.variable, variables[piece.variable])))).join('');
    return subject === null ? { body: fill(body, escapeBody) } : { subject: fill(subject, oneLine), body: fill(body, escapeBody) };
  };
}

/**
 * The message a template makes with these values, each value escaped for the channel's body format (the subject is
 * plain text on every channel, kept to one line). Values the template does not use are ignored; any it uses but
 * lacks throw MissingVariablesError naming all of them. Pure: the API's preview, the send path's check before
 * queuing and the workers' rendering all call this (or compileTemplate, for many messages of one template).
 */
export function renderTemplate(template: TemplateText, variables: VariableValues): RenderedMessage {
  return compileTemplate(template)(variables);
}
