"The test suite itself: Ctrl-C or SIGTERM stops the whole run (not just the running test), and it names each test as it runs."
import os, shutil, signal, subprocess, sys, time
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]

SUITE = '''
import signal, subprocess, time
from pathlib import Path
def test_first(tmp_path_factory):
    Path({started!r}).write_text('x')
    if {swallow}:   # code under test that turns the signal into its own clean stop (as `magnn train` does)
        old = {{s: signal.signal(s, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt())) for s in (signal.SIGINT, signal.SIGTERM)}}
        try: time.sleep(60)
        except KeyboardInterrupt: pass
        finally:
            for s, h in old.items(): signal.signal(s, h)
        assert False, "stopped cleanly"
    else: subprocess.run(['sleep', '60'])
def test_second(): Path({second!r}).write_text('ran')
'''

@pytest.mark.slow
@pytest.mark.parametrize('sig,swallow', [(signal.SIGTERM, False), (signal.SIGINT, True)])
def test_a_signal_stops_the_whole_suite(tmp_path, sig, swallow):
    "pytest ends the session on SIGINT/SIGTERM even when the running test catches the signal; the next test never starts."
    shutil.copy(ROOT/'tests'/'conftest.py', tmp_path/'conftest.py')
    started, second = tmp_path/'started', tmp_path/'second'
    (tmp_path/'test_x.py').write_text(SUITE.format(started=str(started), second=str(second), swallow=swallow))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    p = subprocess.Popen([sys.executable, '-m', 'pytest', '-p', 'no:cacheprovider', '-v', str(tmp_path)], cwd=tmp_path, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    t0 = time.time()
    while not started.exists() and time.time() - t0 < 120 and p.poll() is None: time.sleep(0.2)
    assert started.exists(), p.communicate()[0]
    time.sleep(0.5)
    kids = [int(x) for x in Path(f'/proc/{p.pid}/task/{p.pid}/children').read_text().split()]   # `sleep 60`, if running
    os.kill(p.pid, sig); t1 = time.time()
    out = p.communicate(timeout=60)[0]
    for k in kids:   # no orphan left running
        try: state = Path(f'/proc/{k}/stat').read_text().split()[2]
        except FileNotFoundError: continue
        os.kill(k, signal.SIGKILL)
        assert state == 'Z', f"child {k} (sleep) of the stopped suite was still running"

    assert time.time() - t1 < 20, out
    assert p.returncode != 0 and not second.exists(), out
    assert 'test_x.py::test_first' in out, out   # -v: each test is named as it starts
