#!/usr/bin/env python3
"""Open the built documentation site in headless Chromium, as a reader would, and report what is broken.

    python tools/check_site.py _docs                          # every page; exit 1 on a problem
    python tools/check_site.py _docs --shots _docs            # also screenshots of the index and one model page

Each page is served from a local HTTP server (127.0.0.1, a free port) and loaded in one Chromium, driven
over the DevTools protocol on a pipe (`--remote-debugging-pipe`: no extra Python package, no open port).
A page fails on: a local link to a missing file, an image that did not load, a request the server
answered with an error (CSS, scripts, fonts), a JavaScript exception, a Python traceback or error
output, or maths left as raw TeX (`\\(...\\)`, `\\[...\\]` outside code: KaTeX did not run).
Chromium is Debian's `chromium` (`apt-get install -y chromium`); `find_chromium` says where it is.
"""
from __future__ import annotations
import argparse, base64, contextlib, fcntl, functools, http.server, json, os, select, shutil, socketserver
import subprocess, sys, tempfile, threading, time
from pathlib import Path
from urllib.parse import unquote, urlsplit

def find_chromium() -> str|None:
    "The path of a Chromium (or Chrome) binary: $CHROMIUM, else the first on PATH, else None."
    if os.environ.get('CHROMIUM'): return os.environ['CHROMIUM']
    for name in ('chromium', 'chromium-browser', 'google-chrome', 'chrome', 'headless_shell'):
        if shutil.which(name): return shutil.which(name)
    return None

class Chrome:
    "A headless Chromium driven over the DevTools protocol on a pipe: `call` a method, `wait` for an event."
    def __init__(self, exe:str|None=None, width:int=1280, height:int=900, timeout:float=30.):
        exe = exe or find_chromium()
        if not exe: raise RuntimeError("no Chromium found: apt-get install -y chromium (or set $CHROMIUM)")
        self.timeout, self.size, self._id, self._buf, self.events = timeout, (width, height), 0, b'', []
        self.profile = tempfile.mkdtemp(prefix='magnn-chromium-')
        to_chrome, self._w = os.pipe()     # Chromium reads its commands from fd 3
        self._r, from_chrome = os.pipe()   # and writes its answers to fd 4
        def fds():                         # in the child: the two ends at 3 and 4, whatever numbers they had
            a, b = fcntl.fcntl(to_chrome, fcntl.F_DUPFD, 100), fcntl.fcntl(from_chrome, fcntl.F_DUPFD, 100)
            os.dup2(a, 3); os.dup2(b, 4)
        args = [exe, '--headless', '--remote-debugging-pipe', '--no-sandbox', '--disable-gpu', '--no-first-run',
                '--no-default-browser-check', '--disable-extensions', '--disable-background-networking', '--mute-audio',
                '--hide-scrollbars', '--disable-dev-shm-usage', f'--user-data-dir={self.profile}', f'--window-size={width},{height}']
        # close_fds=False keeps the new 3 and 4; Python's own descriptors are not inheritable (PEP 446), so nothing else leaks
        self.proc = subprocess.Popen(args, preexec_fn=fds, close_fds=False,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome); os.close(from_chrome)

    def _read(self, until:float) -> dict|None:
        "The next message, or None at `until`."
        while b'\0' not in self._buf:
            left = until - time.monotonic()
            if left <= 0 or not select.select([self._r], [], [], left)[0]: return None
            chunk = os.read(self._r, 1 << 20)
            if not chunk: raise RuntimeError(f"Chromium closed the pipe (exit {self.proc.poll()})")
            self._buf += chunk
        msg, self._buf = self._buf.split(b'\0', 1)
        return json.loads(msg)

    def call(self, method:str, session:str|None=None, **params) -> dict:
        "Send a command and return its result (events that arrive meanwhile are kept in `events`)."
        self._id += 1
        msg = dict(id=self._id, method=method, params=params, **({'sessionId': session} if session else {}))
        os.write(self._w, json.dumps(msg).encode() + b'\0')
        until = time.monotonic() + self.timeout
        while (m := self._read(until)) is not None:
            if m.get('id') == self._id:
                if 'error' in m: raise RuntimeError(f"{method}: {m['error'].get('message')}")
                return m.get('result', {})
            self.events.append(m)
        raise TimeoutError(f"Chromium did not answer {method} within {self.timeout:.0f} s")

    def wait(self, method:str, session:str|None=None) -> dict:
        "Wait for the event `method` (of `session`) and take it from `events`; the others stay there."
        until = time.monotonic() + self.timeout
        while True:
            for k, e in enumerate(self.events):
                if e.get('method') == method and e.get('sessionId') == session:
                    del self.events[k]; return e.get('params', {})
            m = self._read(until)
            if m is None: raise TimeoutError(f"no {method} within {self.timeout:.0f} s")
            self.events.append(m)

    def page(self) -> str:
        "A new tab with the page, network and runtime domains on; returns its session id."
        target = self.call('Target.createTarget', url='about:blank')['targetId']
        s = self.call('Target.attachToTarget', targetId=target, flatten=True)['sessionId']
        for d in ('Page', 'Runtime', 'Network'): self.call(f'{d}.enable', s)
        self.call('Emulation.setDeviceMetricsOverride', s, width=self.size[0], height=self.size[1], deviceScaleFactor=1, mobile=False)
        return s

    def close(self):
        with contextlib.suppress(Exception): self.call('Browser.close')
        with contextlib.suppress(Exception): self.proc.wait(5)
        if self.proc.poll() is None: self.proc.kill(); self.proc.wait()
        for fd in (self._r, self._w):
            with contextlib.suppress(OSError): os.close(fd)
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self): return self
    def __exit__(self, *a): self.close()

@contextlib.contextmanager
def serve(folder:str|Path):
    "Serve `folder` on 127.0.0.1 (a free port) in a thread; yields the base URL."
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *a): pass
    srv = socketserver.ThreadingTCPServer(('127.0.0.1', 0), functools.partial(Quiet, directory=str(folder)))
    srv.daemon_threads = True
    t = threading.Thread(target=srv.serve_forever, daemon=True); t.start()
    try: yield f'http://127.0.0.1:{srv.server_address[1]}/'
    finally: srv.shutdown(); srv.server_close()

# What the page says about itself, read in the browser after the load event: images that did not load, local links,
# Python errors in outputs, and text outside code and rendered maths that still holds TeX delimiters.
_PROBE = r"""(() => {
  const body = document.body.cloneNode(true);
  body.querySelectorAll('pre, code, script, style, .katex, .katex-display, textarea').forEach(e => e.remove());
  const text = body.textContent;
  const raw = [];
  for (const re of [/\\\((?:.|\n){0,80}?\\\)/g, /\\\[(?:.|\n){0,80}?\\\]/g, /\$\$(?:.|\n){0,80}?\$\$/g]) for (const m of text.matchAll(re)) raw.push(m[0]);
  const outs = [...document.querySelectorAll('.cell-output')].map(e => e.textContent);
  return {
    title: document.title,
    images: [...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.getAttribute('src').slice(0, 120)),
    links: [...document.querySelectorAll('a[href]')].map(a => a.href),
    errors: [...document.querySelectorAll('.cell-output-error')].map(e => e.textContent.slice(0, 200))
            .concat(outs.filter(t => /Traceback \(most recent call last\)/.test(t)).map(t => t.slice(0, 200))),
    traceback: /Traceback \(most recent call last\)/.test(document.body.textContent),
    raw_tex: raw.slice(0, 5),
    katex: document.querySelectorAll('.katex').length,
  };
})()"""

def check_pages(site:str|Path, # the built site (its index.html is the front page)
                pages:list[str]|None=None, # pages to load, relative to `site` (default: every .html)
                shots:dict[str, str|Path]|None=None, # {page: PNG path}: screenshots to take
                chromium:str|None=None, # the binary (default: `find_chromium()`)
               ) -> tuple[list[str], dict]:
    "([problems, one line each], {page: what the browser saw}) for the pages of a built site."
    site = Path(site).resolve()
    pages = pages or sorted(p.relative_to(site).as_posix() for p in site.rglob('*.html'))
    problems, seen = [], {}
    with serve(site) as base, Chrome(chromium) as ch:
        s = ch.page()
        for page in pages:
            ch.events.clear()
            ch.call('Page.navigate', s, url=base + page)
            ch.wait('Page.loadEventFired', s)
            for _ in range(30):  # KaTeX's auto-render runs from a deferred script; give late rendering up to 3 s before calling TeX raw
                r = ch.call('Runtime.evaluate', s, expression=_PROBE, returnByValue=True)['result']['value']
                if not r['raw_tex']: break
                time.sleep(0.1)
            seen[page] = r
            p = [f"image did not load: {i}" for i in r['images']]
            for url in r['links']:
                u = urlsplit(url)
                if not url.startswith(base) or not u.path: continue
                f = site/unquote(u.path.lstrip('/'))
                if not (f.is_file() or (f.is_dir() and (f/'index.html').is_file())): p.append(f"broken link: {u.path}")
            urls = {}
            for e in ch.events:
                m, prm = e.get('method'), e.get('params', {})
                if m == 'Network.requestWillBeSent':
                    urls[prm['requestId']] = u = prm['request']['url']
                    if not u.startswith((base, 'data:', 'about:')): p.append(f"loads from another host (offline it fails): {u[:100]}")
                elif m == 'Network.responseReceived' and prm['response']['status'] >= 400 and not prm['response']['url'].endswith('/favicon.ico'):
                    p.append(f"HTTP {prm['response']['status']}: {prm['response']['url']}")
                elif m == 'Network.loadingFailed' and not prm.get('canceled'):
                    p.append(f"request failed ({prm.get('errorText')}): {urls.get(prm.get('requestId'), '?')}")
                elif m == 'Runtime.exceptionThrown':
                    d = prm['exceptionDetails']
                    p.append(f"JavaScript error: {(d.get('exception') or {}).get('description', d.get('text'))[:160]}")
            p += [f"Python error in an output: {e.strip()[:160]}" for e in r['errors']]
            if r['traceback'] and not r['errors']: p.append("a Python traceback on the page")
            p += [f"raw TeX (maths not rendered): {t[:60]}" for t in r['raw_tex']]
            problems += [f"{page}: {x}" for x in dict.fromkeys(p)]
            if shots and page in shots:
                png = ch.call('Page.captureScreenshot', s, format='png')['data']
                Path(shots[page]).parent.mkdir(parents=True, exist_ok=True)
                Path(shots[page]).write_bytes(base64.b64decode(png))
    return problems, seen

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('site', nargs='?', default='_docs', help='the built site (default _docs/)')
    p.add_argument('--pages', nargs='+', help='only these pages (relative to the site)')
    p.add_argument('--shots', metavar='FOLDER', help='save screenshots of the index and the MA-GNN page here')
    a = p.parse_args(argv)
    shots = {'index.html': Path(a.shots)/'screenshot-index.png', 'models/magnn.html': Path(a.shots)/'screenshot-magnn.png'} if a.shots else None
    t0 = time.time()
    problems, seen = check_pages(a.site, a.pages, shots)
    print(f"{len(seen)} pages in Chromium, {sum(r['katex'] for r in seen.values())} equations rendered, {time.time() - t0:.1f} s")
    for x in problems: print(x)
    sys.exit(1 if problems else 0)

if __name__ == '__main__': main()
