// A JS HTTP service as a WASI 0.2 component (componentize-js / StarlingMonkey): the runtime owns the
// pod's port and calls wasi:http/incoming-handler for each request. console.log goes to the
// container log (kubectl logs). /healthz answers the liveness probe; /work?n=… burns CPU (for the
// CPU-limit demo); /fetch?url=… fetches another URL (wasi:http outgoing, over the pod network);
// anything else says hello.
addEventListener('fetch', (event) => event.respondWith(handle(event.request)));

async function handle(req) {
  const url = new URL(req.url);
  console.log(`${req.method} ${url.pathname}${url.search}`);
  if (url.pathname === '/healthz') return new Response('ok\n');
  if (url.pathname === '/work') {
    const n = Math.min(Number(url.searchParams.get('n') ?? '100000'), 50_000_000);
    let x = 0;
    for (let i = 0; i < n; i++) x = (x * 31 + i) % 1000003;
    return new Response(`work ${n}: ${x}\n`);
  }
  if (url.pathname === '/fetch') {
    // An outgoing request through wasi:http/outgoing-handler: leaves through the pod network.
    const r = await fetch(url.searchParams.get('url'));
    const text = await r.text();
    return new Response(`fetched ${r.status}: ${text}`);
  }
  if (req.method === 'POST') {
    const body = await req.text();
    return new Response(`echo ${body.length} bytes: ${body}\n`);
  }
  return new Response(`hello from a JS component: ${url.pathname}\n`, { headers: { 'content-type': 'text/plain' } });
}
