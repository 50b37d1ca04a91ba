// A local server that speaks the OpenAI chat-completions protocol: the LLM copilot's counterpart in the end-to-end
// tests (no request leaves the machine). Streaming requests (suggested fixes) get the answer as server-sent chunks;
// plain requests (the judge) get one JSON completion whose content scores every criterion the prompt lists.
import { createServer } from 'node:http';

/**
 * answer: the fix text, or a function of the request body that returns it.
 * options:
 *   chunkDelayMs  pause between streamed chunks, so a test can watch the text arrive
 *   holdAfter     stream this many chunks, then hold the response open until the client goes away
 *   judge         (criteria [{name, max}], body) => {scores, rationale}: the judge's answer (default: full marks)
 *   judgeDelayMs  how long the judge takes per answer, so a batch rescore's progress can be watched
 * The returned object records every request (requests), every fix text it streamed (answers), and every streamed
 * response the client closed before its end (disconnects), which is how a test sees that the server cancelled the
 * LLM call.
 */
export async function fakeLLM(answer, { chunkDelayMs = 0, holdAfter = Infinity, judge, judgeDelayMs = 0 } = {}) {
  const requests = [];
  const answers = [];
  const disconnects = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (b) => (body += b));
    req.on('end', async () => {
      const parsed = body ? JSON.parse(body) : null;
      const seen = { path: req.url, body: parsed, at: Date.now() };
      requests.push(seen);
      if (req.method !== 'POST' || !req.url.endsWith('/chat/completions')) {
        res.writeHead(404).end();
        return;
      }
      if (!parsed?.stream) {
        const user = parsed.messages.filter((m) => m.role === 'user').map((m) => m.content).join('\n');
        const answerOf = judge ?? ((cs) => ({ scores: Object.fromEntries(cs.map((c) => [c.name, c.max])), rationale: '満点です。' }));
        const content = JSON.stringify(answerOf(criteriaIn(user), parsed));
        if (judgeDelayMs) await new Promise((r) => setTimeout(r, judgeDelayMs));
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(
          JSON.stringify({
            id: 'chatcmpl-e2e-judge', object: 'chat.completion', created: 1700000000, model: parsed.model,
            choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
            usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
          }),
        );
        return;
      }
      let ended = false;
      res.on('close', () => {
        if (!ended) disconnects.push({ ...seen, closedAt: Date.now() });
      });
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
      const chunk = (delta, finish = null) =>
        `data: ${JSON.stringify({ id: 'chatcmpl-e2e', object: 'chat.completion.chunk', created: 1700000000, model: 'fake', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      res.write(chunk({ role: 'assistant', content: '' }));
      const text = typeof answer === 'function' ? answer(parsed) : answer;
      answers.push(text);
      const runes = Array.from(text);
      for (let i = 0, n = 0; i < runes.length; i += 4, n++) {
        if (n >= holdAfter) return; // hold the response open: only the client can end it now
        if (chunkDelayMs && i > 0) await new Promise((r) => setTimeout(r, chunkDelayMs));
        if (res.destroyed) return;
        res.write(chunk({ content: runes.slice(i, i + 4).join('') }));
      }
      res.write(chunk({}, 'stop'));
      ended = true;
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}/v1`,
    requests,
    answers,
    disconnects,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(r);
      }),
  };
}

/** The rubric as the judge prompt lists it: lines "- NAME: MAX点". */
export function criteriaIn(prompt) {
  return [...prompt.matchAll(/^- ([^:\n]+): ([\d.]+)点/gm)].map((m) => ({ name: m[1], max: Number(m[2]) }));
}

/**
 * A fix in the spirit of the fix prompt, so that answers read like real ones: the summary the prompt carries, in the
 * third person (the company's name for "我々は" and friends), without exclamation marks, and without the sentences
 * that hold a flagged phrase (a generic line, a vague or superlative claim).
 */
export function fixHints(body) {
  const user = body.messages.filter((m) => m.role === 'user').map((m) => m.content).join('\n');
  const summary = user.match(/現在の会社概要:\n([\s\S]*?)\n\n原文/)?.[1] ?? '';
  const company = user.match(/主語は「([^」]+)」または/)?.[1] ?? '同社';
  const flagged = [...user.matchAll(/^- 「([^」]+)」:/gm)].map((m) => m[1]);
  const sentences = summary
    .replace(/(我々|私たち|当社|弊社)(は|の)/g, `${company}$2`)
    .replace(/！/g, '。')
    .match(/[^。]+。?/g) ?? [];
  const kept = sentences.filter((s, i) => i === 0 || !flagged.some((f) => s.includes(f)));
  return kept.join('');
}
