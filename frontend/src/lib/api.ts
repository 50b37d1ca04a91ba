// The one module that talks to reviewdesk: fetch('/api/...') in both the browser and the desktop window, whose asset
// server is the same handler. Components call the typed functions below and never fetch themselves.

export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface Message {
  ja: string;
  en: string;
}

export type Severity = 'high' | 'medium' | 'low';

export interface Hint {
  rule: string;
  severity: Severity;
  start: number;
  end: number;
  start16: number;
  end16: number;
  text: string;
  message: Message;
  reason: string;
}

export type Verdict = 'accepted' | 'edited' | 'rejected' | 'skipped' | 'auto_discarded';

export interface Decision {
  id: number;
  item_id: string;
  revision: number;
  verdict: Verdict;
  final_text: string;
  reasons: string[];
  checks?: Record<string, boolean>;
  comment?: string;
  reviewer: string;
  started_at: string;
  ended_at: string;
  seconds: number;
  rules_version: string;
  undone_at?: string;
}

export interface Item {
  id: string;
  company: string;
  source: string;
  summary: string;
  scores: Record<string, number> | null;
  score: number;
  max_score: number;
  generator: string;
  judge: string;
  prompt_version: string;
  batch: string;
  meta?: Record<string, unknown>;
  revision: number;
  version: number;
  status: string;
  changed: boolean;
  overlap?: number;
  hints: Hint[] | null;
  rules_version: string;
  decision?: Decision;
  lease?: { reviewer: string; until: string };
  imported_at: string;
  /** The summary rendered by goldmark on the server, with hint marks: the only HTML the UI ever inserts. */
  summary_html?: string;
}

export interface Page {
  items: Item[];
  total: number;
  limit: number;
  offset: number;
}

export interface Criterion {
  name: string;
  max: number;
  description?: string;
}

export interface Rubric {
  criteria: Criterion[] | null;
  max_score: number;
  discard_below?: number;
}

export interface Reason {
  code: string;
  label: Message;
}

export interface QueuePolicy {
  order: string;
  lease_minutes: number;
}

export interface Meta {
  rubric: Rubric;
  reasons: Reason[];
  queue: QueuePolicy;
  rules: string[];
  rules_version: string;
  batches: { name: string; count: number }[] | null;
  statuses: string[];
  sorts: string[];
  orders: string[];
  /** Items the server's full-text index has yet to take in (after an import); text search misses them meanwhile. */
  search_index_pending?: number;
}

export interface Progress {
  user: string;
  done_today: number;
  left: number;
  items_per_hour: number;
  seconds_today: number;
}

export type Role = 'reviewer' | 'supervisor' | 'admin';

export interface Me {
  user: string;
  role: Role;
  mode?: 'solo' | 'team';
  csrf?: string;
  progress: Progress;
}

/** What a job is doing (app.Step): a code and its counts, which the UI words in its own language. */
export interface JobStep {
  code: string;
  file?: string;
  model?: string;
  counts?: Record<string, number>;
}

export interface Job {
  id: string;
  kind: string;
  state: 'running' | 'done' | 'failed' | 'canceled';
  done: number;
  total: number;
  unit: string;
  step?: JobStep;
  /** The step in English, as the CLI prints it. */
  message?: string;
  error?: string;
  /** The error code of a failed job (invalid, conflict, ...). */
  code?: string;
  result?: unknown;
  started: string;
  finished?: string;
}

export interface Submission {
  verdict: Verdict;
  text?: string;
  reasons?: string[];
  checks?: Record<string, boolean>;
  comment?: string;
  started_at: string;
  version: number;
}

export interface DecisionResult {
  decision: Decision;
  next?: Item;
  queue_empty?: boolean;
}

export interface NextResult {
  item: Item | null;
  queue_empty: boolean;
}

export interface HintResult {
  hints: Hint[];
  summary_html: string;
  rules_version: string;
}

export interface ItemFilter {
  status?: string[];
  min_score?: number | null;
  max_score?: number | null;
  criterion?: string;
  min_points?: number | null;
  max_points?: number | null;
  rule?: string;
  batch?: string;
  reviewer?: string;
  q?: string;
  changed?: boolean;
  sort?: string;
  limit?: number;
  offset?: number;
}

export interface ImportOptions {
  format?: string;
  encoding?: string;
  /** Column mapping as the CLI's --map takes it: "summary=generated_text,id=corp_no". */
  map?: string;
  skip_invalid?: boolean;
}

export interface ExportRequest {
  kind: 'gold' | 'feedback';
  /** gold: delta, parquet, csv or jsonl; feedback "all": delta or parquet (the other feedback kinds are JSONL). */
  format?: string;
  /** all (every decision), sft, dpo or judge. */
  feedback_kind?: string;
  /** A byte-order mark on CSV, for Excel. */
  bom?: boolean;
  /** A directory on the server's machine: only the desktop window, after its native dialog, sends one. */
  to?: string;
}

/**
 * The one file an export writes, as the server names it (app/export.go), or "" when it writes a directory: the gold
 * Delta table and the decisions Delta table. The desktop window saves a one-file export under a name the reviewer
 * picks, and a directory into a folder.
 */
export function exportFileName(r: Pick<ExportRequest, 'kind' | 'format' | 'feedback_kind'>): string {
  const format = r.format || 'delta';
  if (r.kind === 'gold') return format === 'delta' ? '' : `gold.${format}`;
  const kind = r.feedback_kind || 'all';
  if (kind !== 'all') return `${kind}.jsonl`;
  return format === 'parquet' ? 'decisions.parquet' : '';
}

/** What a finished export job reports in its result. */
export interface ExportResult {
  kind: string;
  format: string;
  path: string;
  rows: number;
  rows_added: number;
  rows_removed: number;
  files: number;
}

export interface LLMStatus {
  configured: boolean;
  message?: string;
  judge_model?: string;
  judge_template?: string;
}

/** What the judge said about a text: points per criterion, by the rubric (POST /api/items/{id}/rescore). */
export interface Rescore {
  scores: Record<string, number>;
  total: number;
  max: number;
  rationale?: string;
  call?: { model: string; template_version: string; cost?: number };
}

/** An item two reviewers disagreed on, with both decisions, waiting for a supervisor. */
export interface Dispute {
  item: Item;
  decisions: Decision[];
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  before?: unknown;
  after?: unknown;
}

export interface Account {
  name: string;
  role: Role;
  disabled: boolean;
  created_at: string;
}

/** A change to an account: any of its fields (PATCH /api/users/{name}). */
export interface AccountChange {
  role?: Role;
  disabled?: boolean;
  password?: string;
}

export interface RuleInfo {
  id: string;
  kind: string;
  severity: Severity;
  reason: string;
  message: Message;
  description: Message;
}

export interface RulesView {
  version: string;
  rules: RuleInfo[];
  /** The rules file in force (docs/rules.md). */
  file: unknown;
  /** False when the server was started with --rules FILE: the file is changed there, not here. */
  editable: boolean;
}

/** A body sent as written, for endpoints whose body is a document the server checks itself (the rules file). */
export class RawJSON {
  constructor(readonly text: string) {}
}

export interface ServerEvent {
  event: string;
  data: string;
}

/**
 * Splits a server-sent event stream into whole events; rest is an incomplete event to prepend to the next chunk.
 * Only what reviewdesk sends is handled: "event:" and "data:" lines, events ended by a blank line.
 */
export function parseEvents(buffer: string): { events: ServerEvent[]; rest: string } {
  const events: ServerEvent[] = [];
  const text = buffer.replace(/\r\n?/g, '\n');
  let start = 0;
  for (let end = text.indexOf('\n\n'); end >= 0; end = text.indexOf('\n\n', start)) {
    let event = 'message';
    const data: string[] = [];
    for (const line of text.slice(start, end).split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (data.length) events.push({ event, data: data.join('\n') });
    start = end + 2;
  }
  return { events, rest: text.slice(start) };
}

export interface Stats {
  total: number;
  by_status: Record<string, number>;
  open: number;
  reviewed: number;
  yield: number | null;
  bands: { band: number; lo: number; hi: number; items: number; reviewed: number; approved: number; yield: number | null }[];
  reviewers: unknown[] | null;
}

// GET /api/dashboard (docs/api.md): every number with the counts behind it and, where estimated, its 95% interval.
// A rate or kappa over nothing is null, never 0.

export interface Interval {
  lo: number;
  hi: number;
}

/** review.Proportion: count of total, with its Wilson 95% interval. */
export interface Proportion {
  count: number;
  total: number;
  rate: number | null;
  ci: Interval;
}

/** review.Estimate: a value (null when the data cannot support one) with an interval, or hard bounds. */
export interface Estimate {
  value: number | null;
  ci: Interval;
}

/** The yield of one slice: n reviewed, good = accepted + edited, rate = good / n with its Wilson 95% interval. */
export interface YieldPoint {
  key: string;
  n: number;
  good: number;
  accepted: number;
  edited: number;
  rejected: number;
  rate: number | null;
  ci_lo: number;
  ci_hi: number;
}

export interface BandPoint extends YieldPoint {
  band: number;
  lo: number;
  hi: number;
  items: number;
  auto_discarded: number;
}

export interface ScorePoint extends YieldPoint {
  score: number;
}

export interface DayPoint extends YieldPoint {
  day: string;
  decisions: number;
  reviews: number;
  skips: number;
  active_hours: number;
  items_per_hour: number | null;
}

export interface Confusion {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export interface ThresholdRow {
  threshold: number;
  confusion: Confusion;
  precision: number | null;
  recall: number | null;
  accuracy: number | null;
  kappa: number | null;
  bad_in_accepted: Proportion;
  bad_accepted: Proportion;
  good_discarded: Proportion;
  good_in_discarded: Proportion;
}

export interface Calibration {
  items: number;
  good: number;
  bad: number;
  auc: number | null;
  thresholds: ThresholdRow[] | null;
}

export interface CriterionCalibration extends Calibration {
  criterion: string;
  max: number;
  full_marks: ThresholdRow | null;
}

export interface ThresholdAdvice {
  threshold: number;
  band: number;
  accepted_items: number;
  discarded_items: number;
  bad_in_accepted: Estimate;
  bad_accepted_items: Estimate;
  good_discarded: Estimate;
  good_discarded_items: Estimate;
  complete: boolean;
  /** The two shares over the reviewed bands alone; uncovered_bands are the bands left out. */
  covered: { accepted_items: number; discarded_items: number; bad_in_accepted: Estimate; good_discarded: Estimate };
  uncovered_bands: number[];
  sample: { bad_in_accepted: Proportion; good_discarded: Proportion };
}

export interface Stratum {
  band: number;
  population: number;
  reviewed: number;
  good: number;
  weight: number;
  yield: Proportion;
  good_items: Estimate;
  unreviewed: boolean;
}

export interface AgreementTable {
  categories: string[];
  matrix: number[][];
  pairs: number;
  observed: number | null;
  expected: number | null;
  kappa: number | null;
}

export interface ReviewerAgreement {
  ignored: number;
  verdicts: AgreementTable;
  approval: AgreementTable;
}

export interface ReviewerRow {
  reviewer: string;
  decisions: number;
  yield: { accepted: number; edited: number; rejected: number; reviewed: number; rate: number | null; ci: Interval };
  skips: Proportion;
  active_hours: number;
  items_per_hour: number | null;
  median_seconds: Record<'reviewed' | 'accepted' | 'edited' | 'rejected' | 'skipped', number | null>;
  edit_size: { edits: number; total: number; median: number | null; mean: number | null };
  hint_followed: Proportion;
  unhinted_changed: Proportion;
  agreement_with_others: ReviewerAgreement;
}

export interface RuleStats {
  rule: string;
  fired: number;
  reviewed: number;
  followed: Proportion;
  rejected: Proportion;
}

export interface SetupCost {
  setup: 'all_human' | 'llm_review' | 'all_llm';
  api_cost: number;
  labour_hours: number;
  labour_cost: number;
  total_cost: number;
  person_days: number;
  reviewed: number;
  shipped: number;
  good_shipped: number;
  bad_shipped: number;
  error_rate: number | null;
  cost_per_good: number | null;
  /** 95% intervals carried from the measured inputs; cost_per_good is null also when it has no upper bound. */
  ci: {
    api_cost: Interval;
    labour_hours: Interval;
    labour_cost: Interval;
    total_cost: Interval;
    person_days: Interval;
    shipped: Interval;
    good_shipped: Interval;
    bad_shipped: Interval;
    error_rate: Interval | null;
    cost_per_good: Interval | null;
  };
}

/** A ratio of totals with its 95% interval over reviewer-days (null with fewer than two). */
export interface Ratio {
  value: number | null;
  ci: Interval | null;
  clusters: number;
}

export interface CallStats {
  kind: string;
  model: string;
  template_version: string;
  calls: number;
  failed: number;
  tokens_in: number;
  tokens_out: number;
  cost: number;
  mean_latency_ms: number | null;
  cost_per_call: number | null;
}

export interface CostInputs {
  population: number;
  hourly_wage: number;
  generation_cost: number;
  judge_cost: number;
  write_minutes: number;
  review_seconds: number;
  review_share: number;
  yield: number;
  edit_rate: number;
  copilot_cost: number;
  yield_ci: Interval | null;
  error_rate_ci: Interval | null;
  review_seconds_ci: Interval | null;
  copilot_cost_ci: Interval | null;
}

export interface Dashboard {
  generated_at: string;
  filter: { batch: string; from: string; to: string; day_zone: string };
  items: { total: number; by_status: Record<string, number>; open: number; auto_discarded: number; outdated: number };
  yield: {
    overall: YieldPoint;
    by_band: BandPoint[];
    by_score: ScorePoint[];
    by_criterion: { criterion: string; max: number; points: ScorePoint[] | null }[];
    by_batch: (YieldPoint & { items: number })[];
    by_generator: YieldPoint[] | null;
    by_judge: YieldPoint[] | null;
    by_prompt_version: YieldPoint[] | null;
    by_reviewer: YieldPoint[] | null;
    by_day: YieldPoint[] | null;
  };
  judge: {
    approved: Calibration;
    accepted_as_is: Calibration;
    criteria: CriterionCalibration[];
    advisor: ThresholdAdvice[];
  };
  population: {
    population: number;
    reviewed: number;
    good: number;
    complete: boolean;
    unreviewed_bands: number[] | null;
    unreviewed_population: number;
    yield: Estimate;
    good_items: Estimate;
    covered_population: number;
    covered_yield: Estimate;
    strata: Stratum[] | null;
    auto_discarded: { items: number; bands: { band: number; items: number }[] };
    whole_import: {
      population: number;
      auto_discarded: number;
      yield: Estimate;
      good_items: Estimate;
      yield_if_discarded_bad: Estimate;
    };
  };
  reviewers: {
    team: {
      decisions: number;
      reviewed: number;
      skipped: number;
      active_hours: number;
      items_per_hour: number | null;
      seconds_per_item: number | null;
      seconds_per_item_ci: Interval | null;
      reviewer_days: number;
    };
    reviewers: ReviewerRow[];
    agreement: ReviewerAgreement;
  };
  rules: RuleStats[];
  cost: {
    comparison: { inputs: CostInputs; all_human: SetupCost; llm_review: SetupCost; all_llm: SetupCost } | null;
    missing: string[];
    yield_source: string;
    /** The stratified share not accepted as is (the all_llm error rate), with the sample's count of total. */
    all_llm_errors: Estimate & { count: number; total: number };
    copilot: { calls: number; failed: number; cost: number; per_reviewed: Ratio; by_model: CallStats[] };
    point_only: string[];
  };
  days: DayPoint[];
}

/** What the dashboard and the report are asked for; empty or null values take the server's defaults. */
export interface DashboardParams {
  batch?: string;
  /** YYYY-MM-DD, both included. */
  from?: string;
  to?: string;
  wage?: number | null;
  generation_cost?: number | null;
  judge_cost?: number | null;
  population?: number | null;
  write_minutes?: number | null;
}

const dashboardParamNames = ['batch', 'from', 'to', 'wage', 'generation_cost', 'judge_cost', 'population', 'write_minutes'] as const;

/** The query string for GET /api/dashboard and /api/report, without the leading "?": unset values are left out. */
export function dashboardQuery(p: DashboardParams): string {
  const q = new URLSearchParams();
  for (const k of dashboardParamNames) {
    const v = p[k];
    if (typeof v === 'string' ? v.trim() !== '' : typeof v === 'number' && Number.isFinite(v)) q.set(k, String(v).trim());
  }
  return q.toString();
}

/** Reads dashboard parameters from a query string (the address bar's, for a shared view); unknown or bad values are dropped. */
export function parseDashboardQuery(s: string): DashboardParams {
  const q = new URLSearchParams(s);
  const p: DashboardParams = {};
  for (const k of ['batch', 'from', 'to'] as const) {
    const v = q.get(k);
    if (v && (k === 'batch' || /^\d{4}-\d{2}-\d{2}$/.test(v))) p[k] = v;
  }
  for (const k of ['wage', 'generation_cost', 'judge_cost', 'population', 'write_minutes'] as const) {
    const v = q.get(k);
    const n = v === null || v.trim() === '' ? NaN : Number(v);
    if (Number.isFinite(n) && n >= 0 && (k !== 'population' || Number.isInteger(n))) p[k] = n;
  }
  return p;
}

/** The query string for GET /api/items: empty values are left out so the server applies its defaults. */
export function itemsQuery(f: ItemFilter): string {
  const p = new URLSearchParams();
  if (f.status && f.status.length) p.set('status', f.status.join(','));
  const num = (name: string, v: number | null | undefined) => {
    if (v !== null && v !== undefined && Number.isFinite(v)) p.set(name, String(v));
  };
  num('min_score', f.min_score);
  num('max_score', f.max_score);
  if (f.criterion) {
    p.set('criterion', f.criterion);
    num('min_points', f.min_points);
    num('max_points', f.max_points);
  }
  for (const k of ['rule', 'batch', 'reviewer', 'sort'] as const) {
    const v = f[k]?.trim();
    if (v) p.set(k, v);
  }
  const q = f.q?.trim();
  if (q) p.set('q', q);
  if (f.changed) p.set('changed', 'true');
  num('limit', f.limit);
  if (f.offset) num('offset', f.offset);
  const s = p.toString();
  return s ? '?' + s : '';
}

export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Api wraps fetch with what every call needs: JSON in and out, {code, message} errors as ApiError, the session's
 * CSRF token on every state-changing request, and one place that hears about 401 (log in).
 */
export class Api {
  private csrf = '';
  /** Called on any 401 except from the login call itself: the app shows its login screen. */
  onUnauthorized: (() => void) | null = null;

  constructor(private readonly fetchFn: FetchFn) {}

  get csrfToken(): string {
    return this.csrf;
  }

  async request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const res = await this.send(method, path, body, signal);
    // A solo server that restarted has a new CSRF token: fetch it and try once more.
    if (res.status === 403 && !safeMethods.has(method) && path !== '/me') {
      const err = await errorOf(res);
      if (/csrf/i.test(err.message) && (await this.refreshCsrf())) {
        return this.parse<T>(await this.send(method, path, body, signal), path);
      }
      throw err;
    }
    return this.parse<T>(res, path);
  }

  private send(method: string, path: string, body: unknown, signal?: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    let payload: BodyInit | undefined;
    if (body instanceof FormData) {
      payload = body; // the browser sets the multipart boundary
    } else if (body instanceof RawJSON) {
      headers['Content-Type'] = 'application/json';
      payload = body.text;
    } else if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    if (!safeMethods.has(method) && this.csrf) headers['X-CSRF-Token'] = this.csrf;
    return this.fetchFn('/api' + path, { method, headers, body: payload, signal, credentials: 'same-origin' });
  }

  private async parse<T>(res: Response, path: string): Promise<T> {
    if (!res.ok) {
      const err = await errorOf(res);
      if (res.status === 401 && path !== '/login') this.onUnauthorized?.();
      throw err;
    }
    if (res.status === 204) return undefined as T;
    return (await res.json()) as T;
  }

  private async refreshCsrf(): Promise<boolean> {
    const before = this.csrf;
    try {
      await this.me();
    } catch {
      return false;
    }
    return this.csrf !== '' && this.csrf !== before;
  }

  async me(): Promise<Me> {
    const me = await this.request<Me>('GET', '/me');
    this.csrf = me.csrf ?? '';
    return me;
  }

  async login(user: string, password: string): Promise<Me> {
    const r = await this.request<{ user: string; role: Role; csrf: string }>('POST', '/login', { user, password });
    this.csrf = r.csrf;
    return this.me();
  }

  async logout(): Promise<void> {
    await this.request('POST', '/logout');
    this.csrf = '';
  }

  meta = () => this.request<Meta>('GET', '/meta');
  items = (f: ItemFilter, signal?: AbortSignal) => this.request<Page>('GET', '/items' + itemsQuery(f), undefined, signal);
  item = (id: string) => this.request<Item>('GET', '/items/' + encodeURIComponent(id));
  history = (id: string) =>
    this.request<{ decisions: Decision[] }>('GET', `/items/${encodeURIComponent(id)}/history`);
  /** Leases the next item; skip releases the item being moved past without a decision. */
  next = (skip?: string) => this.request<NextResult>('POST', '/queue/next', skip ? { skip } : {});
  /** Records a decision and, in the same round trip, leases the next item. */
  decide = (id: string, sub: Submission) =>
    this.request<DecisionResult>('POST', `/items/${encodeURIComponent(id)}/decision?next=1`, sub);
  undo = () => this.request<{ undone: Decision; item: Item }>('POST', '/undo');
  myDecisions = (limit = 50) => this.request<{ decisions: Decision[] }>('GET', `/decisions/mine?limit=${limit}`);
  hints = (summary: string, itemId: string, signal?: AbortSignal) =>
    this.request<HintResult>('POST', '/hints', { summary, item_id: itemId }, signal);
  stats = () => this.request<Stats>('GET', '/stats');
  dashboard = (p: DashboardParams, signal?: AbortSignal) => {
    const q = dashboardQuery(p);
    return this.request<Dashboard>('GET', '/dashboard' + (q ? '?' + q : ''), undefined, signal);
  };
  job = (id: string) => this.request<Job>('GET', '/jobs/' + encodeURIComponent(id));
  cancelJob = (id: string) => this.request<{ state: string }>('POST', `/jobs/${encodeURIComponent(id)}/cancel`);
  putQueue = (q: QueuePolicy) => this.request<QueuePolicy>('PUT', '/settings/queue', q);

  /** Imports an uploaded file (the browser). */
  importUpload(file: File, o: ImportOptions): Promise<Job> {
    const form = new FormData();
    form.set('file', file, file.name);
    if (o.format) form.set('format', o.format);
    if (o.encoding) form.set('encoding', o.encoding);
    if (o.map?.trim()) form.set('map', o.map.trim());
    if (o.skip_invalid) form.set('skip_invalid', 'true');
    return this.request<Job>('POST', '/imports', form);
  }

  /** Imports files the server can read itself (the desktop window, after its native dialog). */
  importPaths(paths: string[], o: ImportOptions): Promise<Job> {
    const body: Record<string, unknown> = { paths };
    if (o.format) body.format = o.format;
    if (o.encoding) body.encoding = o.encoding;
    if (o.map?.trim()) body.map = parseMap(o.map);
    if (o.skip_invalid) body.skip_invalid = true;
    return this.request<Job>('POST', '/imports', body);
  }

  startExport = (r: ExportRequest) => this.request<Job>('POST', '/exports', r);

  llm = () => this.request<LLMStatus>('GET', '/llm');

  /**
   * Asks the LLM copilot to rewrite the summary so that its hints go away. The text streams to onDelta as it is
   * generated; the promise resolves with the whole text. Aborting the signal cancels the call on the server.
   */
  async suggest(id: string, summary: string, onDelta: (chunk: string) => void, signal?: AbortSignal): Promise<string> {
    const res = await this.send('POST', `/items/${encodeURIComponent(id)}/suggest`, { summary }, signal);
    if (!res.ok || !res.body) return this.parse<never>(res, '/suggest');
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let rest = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      const parsed = parseEvents(rest + value);
      rest = parsed.rest;
      for (const e of parsed.events) {
        const data = JSON.parse(e.data);
        if (e.event === 'delta') onDelta(String(data));
        else if (e.event === 'done') return String(data.text ?? '');
        else if (e.event === 'error') throw new ApiError(502, data.code ?? 'unavailable', data.message ?? 'LLM error');
      }
    }
    throw new ApiError(502, 'unavailable', 'the suggestion stream ended without a result');
  }

  /** Where a browser downloads the report (a navigation, so that the browser saves the file): html or md. */
  reportURL(p: DashboardParams, format: 'html' | 'md'): string {
    const q = dashboardQuery(p);
    return `/api/report?format=${format}` + (q ? '&' + q : '');
  }

  /** The judge scores a text of an item (the reviewer's edit, or a suggestion) by the rubric. */
  rescore = (id: string, summary: string, signal?: AbortSignal) =>
    this.request<Rescore>('POST', `/items/${encodeURIComponent(id)}/rescore`, { summary }, signal);
  /** Starts a batch rescore job ("" for every batch). */
  rescoreBatch = (batch: string) => this.request<Job>('POST', '/rescores', { batch });

  // Team mode: adjudication, audit log, accounts, settings and rules.
  adjudication = () => this.request<{ disputes: Dispute[]; total: number }>('GET', '/adjudication');
  /** Settles a dispute: a decision like any other, without leasing a queue item in the same round trip. */
  adjudicate = (id: string, sub: Submission) =>
    this.request<DecisionResult>('POST', `/items/${encodeURIComponent(id)}/decision`, sub);
  /** A page of the audit log, newest first; before is the id of the oldest entry already shown. */
  audit = (before?: number, limit = 100) =>
    this.request<{ entries: AuditEntry[] | null }>('GET', `/audit?limit=${limit}${before ? `&before=${before}` : ''}`);
  users = () => this.request<{ users: Account[] | null }>('GET', '/users');
  addUser = (name: string, role: Role, password: string) =>
    this.request<{ name: string; role: Role }>('POST', '/users', { name, role, password });
  updateUser = (name: string, change: AccountChange) =>
    this.request<Account>('PATCH', '/users/' + encodeURIComponent(name), change);
  overlap = () => this.request<{ rate: number }>('GET', '/settings/overlap');
  putOverlap = (rate: number) => this.request<{ rate: number }>('PUT', '/settings/overlap', { rate });
  rules = () => this.request<RulesView>('GET', '/rules');
  /** Saves a rules file as typed: the server checks it and answers 400 with the rule and field at fault. */
  putRules = (file: string) => this.request<RulesView>('PUT', '/rules', new RawJSON(file));

  /** Where a browser downloads the whole audit log. */
  auditExportURL(format: 'csv' | 'jsonl'): string {
    return `/api/audit/export?format=${format}`;
  }

  /** Where a browser downloads a finished export: a navigation, not a fetch, so the browser saves the file. */
  exportDownloadURL(jobId: string): string {
    return `/api/exports/${encodeURIComponent(jobId)}/download`;
  }
}

async function errorOf(res: Response): Promise<ApiError> {
  let code = 'internal';
  let message = res.statusText || `HTTP ${res.status}`;
  try {
    const data = await res.json();
    if (data && typeof data === 'object') {
      if (typeof data.code === 'string') code = data.code;
      if (typeof data.message === 'string') message = data.message;
    }
  } catch {
    // not JSON (a proxy's error page): keep the status text
  }
  return new ApiError(res.status, code, message);
}

/** Parses "to=from,to2=from2" (the CLI's --map) into the JSON object the import endpoint takes. */
export function parseMap(s: string): Record<string, string> {
  const m: Record<string, string> = {};
  for (const pair of s.split(',')) {
    const t = pair.trim();
    if (!t) continue;
    const i = t.indexOf('=');
    if (i <= 0 || i === t.length - 1) throw new ApiError(400, 'invalid', `map: "${t}" is not field=column`);
    m[t.slice(0, i).trim()] = t.slice(i + 1).trim();
  }
  return m;
}

/** The app's one Api, on the window's fetch. */
export const api = new Api((input, init) => fetch(input, init));
