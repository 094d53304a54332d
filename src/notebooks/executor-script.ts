/**
 * The Python side of the notebook runner: executes one notebook with nbclient, cell by cell,
 * so that the cell that failed is known from the kernel's own reply (tslab reports errors as
 * stderr text with an empty `ename`, so the outputs alone cannot say which cell failed), then
 * writes the executed notebook and an offline HTML page (no CDN scripts).
 *
 * Arguments: notebook path, output folder, kernel name, per-cell timeout in seconds, and optionally
 * \`wait\`: once the kernel is ready, say so on stderr and wait for a line on stdin before the first
 * cell (the runner starts the next notebook's kernel while a notebook runs).
 * Progress goes to stderr; the last stdout line is a JSON report.
 */
export const executorScript = String.raw`
import json, os, sys, time
import nbformat, nbclient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from jinja2 import DictLoader
from nbconvert import HTMLExporter

path, out_dir, kernel, timeout = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
wait = len(sys.argv) > 5 and sys.argv[5] == 'wait'
name = os.path.splitext(os.path.basename(path))[0]
nb = nbformat.read(path, as_version=4)
title = name
for cell in nb.cells:
    if cell.cell_type == 'markdown':
        for line in cell.source.splitlines():
            if line.startswith('# '):
                title = line[2:].strip()
                break
        break

client = nbclient.NotebookClient(nb, kernel_name=kernel, timeout=timeout,
                                 resources={'metadata': {'path': os.path.dirname(os.path.abspath(path))}})
code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == 'code']
report = {'notebook': name, 'title': title, 'cells': len(code_cells), 'cells_run': 0,
          'seconds': 0.0, 'ok': True, 'error': None}
start = time.time()

def error_text(cell, exc):
    text = ''.join(o.get('text', '') for o in cell.outputs
                   if o.get('output_type') == 'stream' and o.get('name') == 'stderr')
    for o in cell.outputs:
        if o.get('output_type') == 'error':
            text += o.get('ename', '') + ': ' + o.get('evalue', '')
    if not text.strip():
        text = str(exc)
    return text.strip()

try:
    with client.setup_kernel():
        if wait:
            print(f'  {name}: kernel ready', file=sys.stderr, flush=True)
            if not sys.stdin.readline():
                sys.exit(3)  # the runner ended (or let go of this notebook): stop the kernel, run nothing
            start = time.time()
        for n, index in enumerate(code_cells, 1):
            cell = nb.cells[index]
            t0 = time.time()
            try:
                client.execute_cell(cell, index, execution_count=n)
            except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
                report['cells_run'] = n
                report['ok'] = False
                report['error'] = {'cell': index + 1, 'code_cell': n, 'kind': type(exc).__name__,
                                   'source': cell.source.splitlines()[0] if cell.source else '',
                                   'message': error_text(cell, exc)}
                print(f'  {name}: cell {index + 1} failed', file=sys.stderr, flush=True)
                break
            report['cells_run'] = n
            print(f'  {name}: cell {index + 1} ok ({time.time() - t0:.1f} s)', file=sys.stderr, flush=True)
except Exception as exc:  # the kernel did not start, or died between cells
    report['ok'] = False
    report['error'] = {'cell': None, 'code_cell': None, 'kind': type(exc).__name__,
                       'source': '', 'message': str(exc)}
report['seconds'] = round(time.time() - start, 2)

os.makedirs(out_dir, exist_ok=True)
ipynb_out = os.path.join(out_dir, name + '.ipynb')
nbformat.write(nb, ipynb_out + '.tmp')
os.replace(ipynb_out + '.tmp', ipynb_out)

offline = DictLoader({'offline.html.j2': (
    "{%- extends 'lab/index.html.j2' -%}"
    "{%- block html_head_js_requirejs -%}{%- endblock -%}"
    "{%- block html_head_js_mathjax -%}{%- endblock -%}")})
exporter = HTMLExporter(extra_loaders=[offline], template_file='offline.html.j2')
html, _ = exporter.from_notebook_node(nb, resources={'metadata': {'name': title}})
html_out = os.path.join(out_dir, name + '.html')
with open(html_out + '.tmp', 'w', encoding='utf-8') as f:
    f.write(html)
os.replace(html_out + '.tmp', html_out)
print(json.dumps(report), flush=True)
`;
