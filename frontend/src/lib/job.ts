// A job's progress in the UI language: the server sends its step as a code with counts (Job.step), not as words.

import type { Job } from './api';
import { num, t } from './i18n.svelte';

/** What the job is doing, "" when it has not said yet. A step code this UI does not know keeps the server's line. */
export function stepText(job: Job): string {
  const s = job.step;
  if (!s) return '';
  const count = (k: string) => num(s.counts?.[k] ?? 0);
  switch (s.code) {
    case 'import.file':
      return t('job.import.file', { file: s.file ?? '', added: count('added'), unchanged: count('unchanged') });
    case 'import.done':
      return t('job.import.done', { file: s.file ?? '', added: count('added'), unchanged: count('unchanged') });
    case 'export.gold':
      return t('job.export.gold', { done: num(job.done) });
    case 'export.decisions':
      return t('job.export.decisions', { done: num(job.done) });
    case 'export.done':
      return t('job.export.done');
    case 'rescore':
      return t('job.rescore', { model: s.model ?? '', scored: count('scored'), failed: count('failed') });
  }
  return job.message ?? '';
}
