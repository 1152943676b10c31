"""Runs every benchmark of BENCHMARKS.md and prints one table (see bench/run-all.sh)."""
import atexit, json, os, re, shutil, signal, sqlite3, statistics, subprocess, sys, tempfile, time

HOME = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAUNCHER = os.path.join(HOME, 'code-query')
TOOLS = os.path.join(HOME, 'target', 'bench-tools')
SEED = os.environ.get('CQ_SEED_PYTHON') or os.path.join(os.path.dirname(HOME), 'shared', 'peers', 'seed-python')
PY = '/usr/bin/python3'
QUICK = os.environ.get('CQ_BENCH_QUICK') == '1'
IDLE_SECONDS = int(os.environ.get('CQ_BENCH_IDLE_SECONDS', '10' if QUICK else '60'))
RUNS = '10' if QUICK else '40'
# The JVM flags the launcher gives every CLI call; the cold floor gets the same ones.
CLI_FLAGS = ['-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xshare:auto', '-XX:-UsePerfData']
# The worker's flags (io.codequery.worker.WorkerLaunch.JVM_FLAGS): the queue's floor gets them too.
WORKER_FLAGS = ['-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xss512k', '-Xmx64m', '-XX:MaxMetaspaceSize=64m',
                '-XX:ReservedCodeCacheSize=16m', '-XX:CICompilerCount=1', '-XX:-UsePerfData']
rows = []
notes = []


def log(*a):
    print('[bench]', *a, file=sys.stderr, flush=True)


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kw).stdout


def mvn(*args):
    """Maven offline first; online once where something was never downloaded (JMH on a fresh machine)."""
    out = os.path.join(HOME, 'target', 'bench-mvn.log')
    os.makedirs(os.path.dirname(out), exist_ok=True)
    for offline in (True, False):
        cmd = ['mvn', *(['-o'] if offline else []), '-B', '-Dstyle.color=never', *args]
        log(' '.join(cmd))
        with open(out, 'w') as f:
            r = subprocess.run(cmd, cwd=HOME, stdout=f, stderr=subprocess.STDOUT)
        if r.returncode == 0:
            return
        if offline:
            log(f'offline build failed (see {out}); trying again online, for what was never downloaded')
    sys.stderr.write(open(out).read()[-6000:])
    raise SystemExit(f'run-all: {" ".join(cmd)} failed; its output is in {out}')


def cq(*args, check=True):
    r = subprocess.run([LAUNCHER, *args], text=True, capture_output=True)
    if check and r.returncode != 0:
        raise SystemExit(f'code-query {" ".join(args)} failed ({r.returncode}): {r.stdout}{r.stderr}')
    return r


def row(figure, ours, base, unit, target_ratio=None, target_abs=None, base_name=''):
    ratio = ours / base if base else None
    if target_ratio is not None:
        met, target = ratio <= target_ratio, f'<= {target_ratio}x'
    elif target_abs is not None:
        met, target = ours <= target_abs, f'<= {target_abs:g} {unit}'
    else:
        met, target = None, '-'
    rows.append((figure, f'{ours:.3g} {unit}', f'{base:.3g} {unit} ({base_name})' if base is not None else '-',
                 f'{ratio:.2f}x' if ratio is not None else '-', target,
                 {True: 'yes', False: 'NO', None: '-'}[met]))


def git_repo(path, files=1):
    os.makedirs(path, exist_ok=True)
    sh(['git', 'init', '-q', path])
    for k, v in [('user.name', 'bench'), ('user.email', 'bench@example.invalid'), ('commit.gpgsign', 'false')]:
        sh(['git', '-C', path, 'config', k, v])
    for i in range(files):
        with open(os.path.join(path, f'f{i}.txt'), 'w') as f:
            f.write(f'file {i}\n')
    sh(['git', '-C', path, 'add', '-A'])
    sh(['git', '-C', path, 'commit', '-q', '-m', 'initial'])


def hyperfine(name, commands, extra=(), cwd=None):
    out = os.path.join(WORK, f'{name}.json')
    args = ['hyperfine', '--style', 'basic', '--warmup', '3', '--runs', RUNS, '--export-json', out, *extra]
    for label, cmd in commands:
        args += ['-n', label, cmd]
    log('hyperfine', name)
    subprocess.run(args, check=True, stdout=sys.stderr, cwd=cwd)
    res = json.load(open(out))['results']
    return {r['command']: r['median'] for r in res}


def proc_stat_fields(pid):
    f = open(f'/proc/{pid}/stat').read()
    return f[f.rindex(')') + 2:].split()  # [0] is field 3 (state)


def proc_cpu_ticks(pid):
    rest = proc_stat_fields(pid)
    return int(rest[11]) + int(rest[12])  # utime + stime (fields 14, 15)


def vm_rss_kb(pid):
    for line in open(f'/proc/{pid}/status'):
        if line.startswith('VmRSS:'):
            return int(line.split()[1])


def worker_pid(root):
    return int(open(os.path.join(root, '.code-query', 'worker.pid')).read())


def jobs_done(db, commit):
    con = sqlite3.connect(f'file:{db}?mode=ro', uri=True, timeout=5)
    try:
        done, failed = con.execute("SELECT sum(state='done'), sum(state='failed') FROM jobs WHERE commit_id=?",
                                   (commit,)).fetchone()
    finally:
        con.close()
    return done or 0, failed or 0


def load():
    return ' '.join(open('/proc/loadavg').read().split()[:3])


# ------------------------------------------------------------------------------------------------
machine = {
    'date': time.strftime('%Y-%m-%d %H:%M %Z'),
    'nproc': os.cpu_count(),
    'jdk': subprocess.run(['java', '-version'], text=True, capture_output=True).stderr.splitlines()[0],
    'kernel': os.uname().release,
    'load_before': load(),
}
log('machine', machine)
if not os.path.isfile(os.path.join(SEED, 'bench_inprocess.py')):
    raise SystemExit(f'run-all: the seed\'s Python peers are not at {SEED}; set CQ_SEED_PYTHON')
WORK = tempfile.mkdtemp(prefix='cq-bench-')


@atexit.register
def leave_nothing_running():
    # A run cut short (an assertion, Ctrl-C) must not leave a worker behind, least of all a frozen one.
    for name in ('w', 'c-hook', 'q'):
        root = os.path.join(WORK, name)
        try:
            os.kill(worker_pid(root), signal.SIGCONT)
        except (OSError, ValueError):
            continue
        cq('worker', 'stop', '--project-root', root, check=False)
    shutil.rmtree(WORK, ignore_errors=True)


mvn('-q', '-DskipTests', 'package')
os.makedirs(TOOLS, exist_ok=True)
sh(['javac', '-d', TOOLS, *[os.path.join(HOME, 'src/bench/java/io/codequery/bench/tools', f)
                            for f in ('PidCheck.java', 'SpawnTrue.java')]])

# --- 1. in-process: JMH against a live worker, and the seed's Python detectors -------------------
jmh_json = os.path.join(HOME, 'target', 'jmh-result.json')
if os.environ.get('CQ_BENCH_SKIP_JMH') != '1':
    # The detection benchmarks only: the docs store's (DocsSearchBenchmark, bench/docs.sh) are not in
    # this table and take longer than all of these together.
    jmh_args = f'-rf json -rff {jmh_json}' + (' -f 1 -wi 1 -i 2' if QUICK else '') + ' DetectionBenchmark'
    # Style checks are the build's business, not the benchmark's.
    mvn('-q', '-Pbench', '-DskipTests', '-Dcheckstyle.skip=true', '-Dspotless.check.skip=true', 'verify',
        f'-Djmh.args={jmh_args}')
jmh = {}
for b in json.load(open(jmh_json)):
    jmh[b['benchmark'].rsplit('.', 1)[1]] = b['primaryMetric']['scorePercentiles']['50.0']  # us, median
log('jmh medians (us)', jmh)

log('python in-process: bench_inprocess.py')
py_out = sh([PY, os.path.join(SEED, 'bench_inprocess.py')])
py = {m.group(1): float(m.group(2)) for m in re.finditer(r'seed-python (\w+): ([0-9.]+)', py_out)}
py['health'] *= 1000  # ms -> us
log('python (us)', py)

row('in-process full detect()', jmh['fullDetect'], py['full'], 'us', 0.5, base_name='Python full')
row('in-process full detect()', jmh['fullDetect'], jmh['floor'], 'us', 3, base_name='Java floor')
row('in-process minimal detect()', jmh['minimalDetect'], py['minimal'], 'us', 1, base_name='Python minimal')
row('in-process minimal detect()', jmh['minimalDetect'], jmh['floor'], 'us', 1.5, base_name='Java floor')
row('in-process HealthCheck.run()', jmh['health'] / 1000, py['health'] / 1000, 'ms', target_abs=5,
    base_name='Python health')

# --- 2. a live worker for the whole-process figures; worker start -> ready ----------------------
W = os.path.join(WORK, 'w')
git_repo(W)
cq('init', '--project-root', W)
starts = []
for i in range(3 if QUICK else 5):
    t = time.perf_counter()
    cq('worker', 'start', '--project-root', W)
    starts.append(time.perf_counter() - t)
    if i < (2 if QUICK else 4):
        cq('worker', 'stop', '--project-root', W)
start_ms = statistics.median(starts) * 1000
log('worker start -> ready (s)', starts)

P = os.path.join(WORK, 'py')
os.makedirs(os.path.join(P, '.code-query'))
fake = subprocess.Popen([os.path.join(SEED, 'fake_huey_consumer'), 'tasks.huey'])
atexit.register(fake.kill)
open(os.path.join(P, '.code-query', 'worker.pid'), 'w').write(str(fake.pid))

hook = os.path.join(HOME, 'src/main/resources/io/codequery/hooks/post-commit.sh')
pidfile = os.path.join(W, '.code-query', 'worker.pid')
floor_cmd = 'java ' + ' '.join(CLI_FLAGS) + f' -cp {TOOLS} io.codequery.bench.tools.PidCheck {pidfile}'
# every command must answer "running" (exit 0) before it is timed
assert sh(['sh', hook, '--detect', W]).strip() == 'running'
for c in (f'{LAUNCHER} worker status --project-root {W}', floor_cmd,
          f'{PY} {SEED}/cold_check.py full {P}', f'{PY} {SEED}/cold_check.py minimal {P}'):
    subprocess.run(c.split(), check=True, capture_output=True)
cold = hyperfine('cold', [
    ('ours', f'{LAUNCHER} worker status --project-root {W}'),
    ('floor', floor_cmd),
    ('py_full', f'{PY} {SEED}/cold_check.py full {P}'),
    ('py_minimal', f'{PY} {SEED}/cold_check.py minimal {P}'),
    ('kill0', f"sh -c 'kill -0 $(cat {pidfile})'"),
    ('hook', f'sh {hook} --detect {W}'),
], extra=['-N'])
fake.kill()
ms = {k: v * 1000 for k, v in cold.items()}
row('cold `worker status` (launcher)', ms['ours'], ms['floor'], 'ms', 1.0, base_name='bare JVM floor')
row('cold `worker status` (launcher)', ms['ours'], ms['py_full'], 'ms', base_name='Python full')
row('cold hook detector `sh post-commit.sh --detect`', ms['hook'], ms['py_minimal'], 'ms', base_name='Python minimal')
row('cold hook detector `sh post-commit.sh --detect`', ms['hook'], ms['kill0'], 'ms', base_name="sh kill -0")
row('worker start -> ready', start_ms, ms['floor'], 'ms', 3, base_name='bare JVM floor')

# --- 3. commit cost: hook installed + worker running, against no hook ---------------------------
C1, C2 = os.path.join(WORK, 'c-hook'), os.path.join(WORK, 'c-plain')
git_repo(C1)
git_repo(C2)
cq('init', '--project-root', C1)
cq('hooks', 'install', '--project-root', C1)
cq('worker', 'start', '--project-root', C1)
cpid = worker_pid(C1)

# The hook alone, as git runs it (post-commit at the top of the working tree, HEAD a fresh commit),
# with the worker frozen (SIGSTOP: still "running" to every detector) so that its ingestion of each
# record does not compete with the measurement; beside the floor of any shell check.
kill0_here = "sh -c 'kill -0 $(cat .code-query/worker.pid)'"
os.kill(cpid, signal.SIGSTOP)
try:
    assert sh(['sh', hook, '--detect', C1]).strip() == 'running'
    alone = hyperfine('hook-alone', [('hook', 'sh .git/hooks/post-commit'), ('kill0', kill0_here)],
                      extra=['-N'], cwd=C1)
finally:
    os.kill(cpid, signal.SIGCONT)
row('the hook alone (post-commit, worker running, frozen)', alone['hook'] * 1000, alone['kill0'] * 1000, 'ms', 1.0,
    base_name='sh kill -0 $(cat pid)')

commit = hyperfine('commit', [
    ('with_hook', f'git -C {C1} commit -q -m bench'),
    ('without_hook', f'git -C {C2} commit -q -m bench'),
], extra=['--prepare', f'sh -c \'for d in {C1} {C2}; do date +%s%N >> $d/f0.txt; git -C $d add f0.txt; done\''])
with_ms, without_ms = commit['with_hook'] * 1000, commit['without_hook'] * 1000
row('git commit, hook + worker running', with_ms, without_ms, 'ms', base_name='no hook')
row('commit overhead of the hook (median difference)', with_ms - without_ms, None, 'ms', target_abs=10)

# A burst: commits back to back from one script (as a rebase or a script makes them), worker running.
BURST = 10 if QUICK else 20
burst_script = os.path.join(WORK, 'burst.sh')
with open(burst_script, 'w') as f:
    f.write('set -e\ncd "$1"\ni=0\nwhile [ $i -lt %d ]; do\n  i=$((i + 1))\n'
            '  echo "$i $$" >> f0.txt\n  git commit -q -m "burst $i" f0.txt\ndone\n' % BURST)
time.sleep(3)  # let the worker finish the hyperfine commits
per_commit = {C1: [], C2: []}
burst_cpu = []
for rnd in range(3 if QUICK else 5):
    for d in (C1, C2):
        c0 = proc_cpu_ticks(cpid)
        t = time.perf_counter()
        subprocess.run(['sh', burst_script, d], check=True)
        per_commit[d].append((time.perf_counter() - t) * 1000 / BURST)
        if d == C1:
            burst_cpu.append(proc_cpu_ticks(cpid) - c0)
    time.sleep(3)  # the worker takes the burst (settle 200 ms) while nothing is timed
burst_with, burst_without = statistics.median(per_commit[C1]), statistics.median(per_commit[C2])
row(f'commit overhead in a burst of {BURST} (per commit, median of rounds)', burst_with - burst_without, None, 'ms',
    target_abs=10)
fields = proc_stat_fields(cpid)
ionice = subprocess.run(['ionice', '-p', str(cpid)], text=True, capture_output=True).stdout.strip() \
    if shutil.which('ionice') else 'ionice not installed'
notes.append(f'worker during the bursts: nice {fields[16]}, I/O priority "{ionice}"; CPU while a burst ran '
             f'(median of rounds): {statistics.median(burst_cpu) / os.sysconf("SC_CLK_TCK") * 1000:.0f} ms '
             f'for {BURST} commits (the spool is ingested once it has been quiet 200 ms)')
cq('worker', 'stop', '--project-root', C1)

# --- 4. queue: 1,000 files through the worker running `true`, against 1,000 bare spawns ---------
Q = os.path.join(WORK, 'q')
N = 1000
git_repo(Q, files=N)
cq('init', '--project-root', Q)
cfgp = os.path.join(Q, '.code-query', 'config.json')
cfg = json.load(open(cfgp))
cfg['processing']['command'] = ['true']
json.dump(cfg, open(cfgp, 'w'))
cq('worker', 'start', '--project-root', Q)
db = os.path.join(Q, '.code-query', 'queue.db')
per_job = []
for rnd in range(1 if QUICK else 3):
    if rnd:
        for i in range(N):
            with open(os.path.join(Q, f'f{i}.txt'), 'a') as f:
                f.write(f'round {rnd}\n')
        sh(['git', '-C', Q, 'commit', '-q', '-a', '-m', f'round {rnd}'])
    head = sh(['git', '-C', Q, 'rev-parse', 'HEAD']).strip()
    spool = os.path.join(Q, '.code-query', 'spool')
    os.makedirs(spool, exist_ok=True)
    tmp = os.path.join(spool, f'.tmp.{head}')
    with open(tmp, 'wb') as f:
        f.write(head.encode() + b'\0' + b''.join(f'f{i}.txt'.encode() + b'\0' for i in range(N)))
    t0 = time.perf_counter()
    os.rename(tmp, os.path.join(spool, f'{head}.files'))
    deadline = t0 + 600
    while True:
        time.sleep(0.005)
        try:
            done, failed = jobs_done(db, head)
        except sqlite3.OperationalError:
            continue
        if done + failed >= N:
            break
        if time.perf_counter() > deadline:
            raise SystemExit('queue: jobs not done within 600 s')
    t1 = time.perf_counter()
    if failed:
        raise SystemExit(f'queue: {failed} jobs failed')
    per_job.append((t1 - t0) / N * 1000)
    log(f'queue round {rnd}: {per_job[-1]:.3f} ms/job')
cq('worker', 'stop', '--project-root', Q)
spawns = []
for rnd in range(1 if QUICK else 3):
    spawns.append(int(sh(['java', *WORKER_FLAGS, '-cp', TOOLS, 'io.codequery.bench.tools.SpawnTrue', str(N)])) / 1e6)
log('spawn true (ms):', spawns)
row('queue: per job, 1,000 files, command ["true"]', statistics.median(per_job), statistics.median(spawns), 'ms', 1.2,
    base_name='ProcessBuilder `true` loop')

# --- 5. the worker at rest -----------------------------------------------------------------------
pid = worker_pid(W)
time.sleep(5)  # let start-up work (class loading, first heartbeat) settle
clk = os.sysconf('SC_CLK_TCK')
c0, t0 = proc_cpu_ticks(pid), time.perf_counter()
log(f'idle worker {pid}: sampling {IDLE_SECONDS} s')
time.sleep(IDLE_SECONDS)
c1, t1 = proc_cpu_ticks(pid), time.perf_counter()
rss_mb = vm_rss_kb(pid) / 1024
cpu_pct = (c1 - c0) / clk / (t1 - t0) * 100
row(f'idle worker CPU over {IDLE_SECONDS} s (% of one core)', cpu_pct, None, '%', target_abs=0.2)
row('idle worker RSS (VmRSS)', rss_mb, None, 'MB', target_abs=56)
cq('worker', 'stop', '--project-root', W)
machine['load_after'] = load()

# --- the table -----------------------------------------------------------------------------------
head = ('figure', 'ours (median)', 'baseline (median)', 'ratio', 'target', 'met?')
lines = [f"Run {machine['date']} on {machine['nproc']} CPUs, {machine['jdk']}, Linux {machine['kernel']}; "
         f"load average before {machine['load_before']}, after {machine['load_after']}", '',
         '| ' + ' | '.join(head) + ' |', '|' + '---|' * len(head)]
lines += ['| ' + ' | '.join(r) + ' |' for r in rows]
lines += [''] + [f'- {n}' for n in notes]
table = '\n'.join(lines)
print(table)
open(os.path.join(HOME, 'target', 'bench-table.md'), 'w').write(table + '\n')
shutil.rmtree(WORK, ignore_errors=True)
