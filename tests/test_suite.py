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
def test_also():   # under xdist the other worker's test (serially: never started)
    Path({started!r} + '2').write_text('x'); subprocess.run(['sleep', '60'])
def test_second(): Path({second!r}).write_text('ran')   # under xdist queued behind test_first
'''

def _descendants(pid:int) -> list[int]:
    "Every process below `pid` (Linux /proc)."
    kids = {}
    for stat in Path('/proc').glob('[0-9]*/stat'):
        try: kids.setdefault(int(stat.read_text().rsplit(')', 1)[1].split()[1]), []).append(int(stat.parent.name))
        except (OSError, ValueError, IndexError): continue
    out, todo = [], [pid]
    while todo:
        for k in kids.get(todo.pop(), []): out.append(k); todo.append(k)
    return out

@pytest.mark.slow
@pytest.mark.parametrize('sig,swallow,workers', [(signal.SIGTERM, False, '2'), (signal.SIGINT, True, '2'), (signal.SIGTERM, False, '0')],
                         ids=['SIGTERM-xdist', 'SIGINT-caught-xdist', 'SIGTERM-serial'])
def test_a_signal_stops_the_whole_suite(tmp_path, sig, swallow, workers):
    """pytest ends the session on SIGINT/SIGTERM sent to its process, even when the running test catches the signal; the
    next test never starts and no process is left behind: with the project's own pytest options (two xdist workers,
    whose `sleep` is a grandchild of the signalled process) and serially (`-n 0`)."""
    shutil.copy(ROOT/'tests'/'conftest.py', tmp_path/'conftest.py')
    shutil.copy(ROOT/'pyproject.toml', tmp_path/'pyproject.toml')   # the addopts the README's command runs with
    started, second = tmp_path/'started', tmp_path/'second'
    (tmp_path/'test_x.py').write_text(SUITE.format(started=str(started), second=str(second), swallow=swallow))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for k in [k for k in env if k.startswith('PYTEST_XDIST')]: del env[k]   # this suite may itself run in an xdist worker
    p = subprocess.Popen([sys.executable, '-m', 'pytest', '-p', 'no:cacheprovider', '-n', workers, str(tmp_path)], cwd=tmp_path, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    t0 = time.time()
    both = [started, Path(f'{started}2')] if workers == '2' else [started]
    while not all(f.exists() for f in both) and time.time() - t0 < 120 and p.poll() is None: time.sleep(0.2)
    assert all(f.exists() for f in both), p.communicate()[0]
    time.sleep(0.5)
    below = _descendants(p.pid)   # the workers, if any, and each `sleep 60`
    assert len(below) == (3 if workers == '2' else 0) + (not swallow), below
    os.kill(p.pid, sig); t1 = time.time()
    out = p.communicate(timeout=60)[0]
    time.sleep(0.5)
    for k in below:   # no orphan left running
        try: state = Path(f'/proc/{k}/stat').read_text().rsplit(')', 1)[1].split()[0]
        except FileNotFoundError: continue
        os.kill(k, signal.SIGKILL)
        assert state == 'Z', f"process {k} below the stopped suite was still running\n{out}"

    assert time.time() - t1 < 20, out
    assert p.returncode != 0 and not second.exists() and (workers == '2' or not Path(f'{started}2').exists()), out
    assert 'test_x.py::test_first' in out, out   # -v: each test is named as it starts
