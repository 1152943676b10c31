"""The documentation store's figures (BENCHMARKS.md, "Documentation store"), one table, each figure
beside a baseline measured in the same run. See bench/docs.sh."""
import json, os, sqlite3, statistics, subprocess, sys, tempfile, time

HOME = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAUNCHER = os.path.join(HOME, 'code-query')
JAR = os.path.join(HOME, 'target', 'code-query.jar')
TOOLS = os.path.join(HOME, 'target', 'bench-tools')
QUICK = os.environ.get('CQ_BENCH_QUICK') == '1'
RUNS = '10' if QUICK else '30'
FILES = int(os.environ.get('CQ_DOCS_FILES', '1000' if QUICK else '3000'))
CLI_FLAGS = ['-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xshare:auto', '-XX:-UsePerfData']
rows = []


def log(*a):
    print('[docs-bench]', *a, file=sys.stderr, flush=True)


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kw).stdout


def cq(*args):
    r = subprocess.run([LAUNCHER, *args], text=True, capture_output=True)
    if r.returncode != 0:
        raise SystemExit(f'code-query {" ".join(args)} failed ({r.returncode}): {r.stdout}{r.stderr}')
    return r.stdout


def row(figure, ours, unit, base=None, base_name='', at_most=None, at_least=None, ratio_at_most=None):
    ratio = ours / base if base else None
    if ratio_at_most is not None:
        met, target = ratio <= ratio_at_most, f'<= {ratio_at_most}x'
    elif at_most is not None:
        met, target = ours <= at_most, f'<= {at_most:g} {unit}'
    elif at_least is not None:
        met, target = ours >= at_least, f'>= {at_least:g} {unit}'
    else:
        met, target = None, '-'
    rows.append((figure, f'{ours:.3g} {unit}', f'{base:.3g} {unit} ({base_name})' if base is not None else '-',
                 f'{ratio:.2f}x' if ratio is not None else '-', target, {True: 'yes', False: 'NO', None: '-'}[met]))


def repo(path, files):
    os.makedirs(path)
    sh(['git', 'init', '-q', path])
    for k, v in [('user.name', 'bench'), ('user.email', 'bench@example.invalid'), ('commit.gpgsign', 'false')]:
        sh(['git', '-C', path, 'config', k, v])
    for i in range(files):
        d = os.path.join(path, f'd{i % 50}')
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, f'f{i}.txt'), 'w') as f:
            f.write(f'file {i}\n' * (1 + i % 40))
    sh(['git', '-C', path, 'add', '-A'])
    sh(['git', '-C', path, 'commit', '-q', '-m', 'initial'])


def scalar(db, sql):
    c = sqlite3.connect(f'file:{db}?mode=ro', uri=True, timeout=30)
    try:
        return c.execute(sql).fetchone()[0]
    finally:
        c.close()


def backfill(root, command=None, concurrency=2):
    """queue add --all with a worker running: files/s from the call until every file is documented."""
    cq('init', '--project-root', root)
    cfg = os.path.join(root, '.code-query', 'config.json')
    c = json.load(open(cfg))
    c['processing']['command'] = command
    c['processing']['concurrency'] = concurrency
    json.dump(c, open(cfg, 'w'))
    cq('worker', 'start', '--project-root', root)
    db = os.path.join(root, '.code-query', 'queue.db')
    t = time.perf_counter()
    out = json.loads(cq('queue', 'add', '--all', '--json', '--project-root', root))
    enqueued = time.perf_counter() - t
    assert out['queued'] == FILES, out
    while scalar(db, 'SELECT COUNT(*) FROM documents') < FILES:
        time.sleep(0.02)
    total = time.perf_counter() - t
    return FILES / total, FILES / enqueued, db


def machine():
    load = open('/proc/loadavg').read().split()[:3]
    return f'nproc {os.cpu_count()}, load {" ".join(load)}'


log('machine', machine())
before = machine()
WORK = tempfile.mkdtemp(prefix='cq-docs-bench-')
if os.environ.get('CQ_BENCH_SKIP_BUILD') != '1':
    log('build: mvn -o -q -B -DskipTests package')
    subprocess.run(['mvn', '-o', '-q', '-B', '-DskipTests', 'package'], cwd=HOME, check=True, stdout=sys.stderr)
os.makedirs(TOOLS, exist_ok=True)
src = os.path.join(HOME, 'src/bench/java/io/codequery/bench/tools')
sh(['javac', '-d', TOOLS, '-cp', JAR, os.path.join(src, 'PidCheck.java'), os.path.join(src, 'DocsCorpus.java')])

roots = []
try:
    # --- 1. backfill bookkeeping: the built-in processor (no child process), then `true` -------
    B = os.path.join(WORK, 'builtin')
    repo(B, FILES)
    roots.append(B)
    rate, enqueue_rate, db = backfill(B)
    log(f'backfill, built-in: {rate:.0f} files/s (enqueue alone {enqueue_rate:.0f} files/s)')
    row(f'backfill {FILES} files: add --all + worker, built-in processor', rate, 'files/s',
        enqueue_rate, 'queue add --all alone', at_least=500)

    # --- 2. a second backfill of the unchanged tree runs nothing -------------------------------
    ran = scalar(db, "SELECT COUNT(*) FROM jobs WHERE outcome = 'documented'")
    jobs = scalar(db, 'SELECT COUNT(*) FROM jobs')
    again = json.loads(cq('queue', 'add', '--all', '--json', '--project-root', B))
    status = json.loads(cq('docs', 'status', '--json', '--project-root', B))
    assert status['pending'] == 0, status
    ran_again = scalar(db, "SELECT COUNT(*) FROM jobs WHERE outcome = 'documented'") - ran
    new_jobs = scalar(db, 'SELECT COUNT(*) FROM jobs') - jobs
    log(f'second add --all: queued {again["queued"]}, already documented {again["already_documented"]},'
        f' new jobs {new_jobs}, commands run {ran_again}')
    row('second add --all, unchanged tree: commands run', ran_again, 'runs', at_most=0)

    T = os.path.join(WORK, 'true')
    repo(T, FILES)
    roots.append(T)
    rate_true, _, _ = backfill(T, command=['true'])
    log(f'backfill, `true`: {rate_true:.0f} files/s')
    row(f'backfill {FILES} files, processor `true` (a child each)', rate_true, 'files/s', rate,
        'built-in processor')

    # --- 3. docs search on 10,000 documents, cold through the launcher vs the bare-JVM floor ---
    C = os.path.join(WORK, 'corpus')
    log('corpus: 10,000 documents')
    sh(['java', '-cp', f'{TOOLS}:{JAR}', 'io.codequery.bench.tools.DocsCorpus', C])
    pidfile = os.path.join(B, '.code-query', 'worker.pid')
    ours = f'{LAUNCHER} docs search worker --project-root {C}'
    floor = 'java ' + ' '.join(CLI_FLAGS) + f' -cp {TOOLS} io.codequery.bench.tools.PidCheck {pidfile}'
    for c in (ours, floor):
        subprocess.run(c.split(), check=True, capture_output=True)
    out = os.path.join(WORK, 'cold.json')
    subprocess.run(['hyperfine', '--style', 'basic', '--warmup', '3', '--runs', RUNS, '--export-json', out,
                    '-n', 'ours', ours, '-n', 'floor', floor], check=True, stdout=sys.stderr)
    med = {r['command']: r['median'] for r in json.load(open(out))['results']}
    row('docs search, cold through the launcher, 10k documents', med['ours'] * 1000, 'ms',
        med['floor'] * 1000, 'bare JVM', ratio_at_most=1.5)
finally:
    for r in roots:
        subprocess.run([LAUNCHER, 'worker', 'stop', '--project-root', r], capture_output=True)

after = machine()
print(f'\nMachine: {before} before, {after} after.\n')
print('| figure | ours | baseline | ratio | target | met |')
print('|---|---|---|---|---|---|')
for r in rows:
    print('| ' + ' | '.join(r) + ' |')
