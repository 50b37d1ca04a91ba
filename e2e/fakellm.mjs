// A local server that speaks the OpenAI chat-completions protocol, streaming a fixed answer: the LLM copilot's
// counterpart in the end-to-end test (no request leaves the machine).
import { createServer } from 'node:http';

export async function fakeLLM(answer) {
  const requests = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (b) => (body += b));
    req.on('end', () => {
      requests.push({ path: req.url, body: body ? JSON.parse(body) : null });
      if (req.method !== 'POST' || !req.url.endsWith('/chat/completions')) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
      const chunk = (delta, finish = null) =>
        `data: ${JSON.stringify({ id: 'chatcmpl-e2e', object: 'chat.completion.chunk', created: 1700000000, model: 'fake', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      res.write(chunk({ role: 'assistant', content: '' }));
      const runes = Array.from(answer);
      for (let i = 0; i < runes.length; i += 4) res.write(chunk({ content: runes.slice(i, i + 4).join('') }));
      res.write(chunk({}, 'stop'));
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}/v1`,
    requests,
    close: () => new Promise((r) => server.close(r)),
  };
}
