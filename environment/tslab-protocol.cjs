// What the launcher (tslab-kernel.cjs) changes in tslab at run time, through its modules' exports
// and classes (no file is edited for these; tslab-patches.cjs has the one change that needs to):
//   - a cell's last value is sent as `execute_result` with the execution count, in the forms
//     permafrost-lab's valueBundle gives (tslab printed it to stdout with console.log);
//   - `execute_input` is sent, every reply carries its execution count, and an error is an `error`
//     message (ename, evalue, traceback), a library error in one line (tslab wrote it to stderr);
//   - a failing cell aborts the requests already queued, and only when it says stop_on_error
//     (nbconvert --allow-errors says not to; tslab aborted every request of the next 200 ms);
//   - kernel_info_reply, shutdown_reply and comm_info_reply as the protocol has them (status, the
//     TypeScript version, the reply's own type), and is_complete answers "invalid" for code that
//     cannot parse.
'use strict';
const path = require('node:path');
const util = require('node:util');
const { pathToFileURL } = require('node:url');

/** Limits of the fallback text when permafrost-lab's dist/ cannot be loaded. */
const INSPECT = { depth: 2, maxArrayLength: 20, breakLength: 100 };

/** How long after a failing cell (with stop_on_error) requests are aborted. */
const ABORT_WINDOW_MS = 50;

/** The cell being run: its count, whether it is silent, how to send on IOPub, what went wrong. */
let cell = null;

/** permafrost-lab's valueBundle and errorOutput (dist/display), loaded at the first cell. */
let outputs = null;

async function loadOutputs(root) {
  if (outputs) return outputs;
  try {
    const load = (name) => import(pathToFileURL(path.join(root, 'dist', 'display', name)).href);
    const [{ valueBundle }, { errorOutput }] = await Promise.all([load('bundle.js'), load('errorOutput.js')]);
    outputs = { valueBundle, errorOutput };
  } catch (err) {
    process.stderr.write(`permafrost-lab kernel: values show as plain text: ${root}/dist is not built (${String(err.message).split('\n')[0]}); run \`npm run setup\`\n`);
    outputs = {
      valueBundle: (value) => (value === undefined ? null : { data: { 'text/plain': typeof value === 'string' ? value : util.inspect(value, INSPECT) }, metadata: {} }),
      errorOutput: (e) => (e instanceof Error
        ? { ename: e.name, evalue: e.message, traceback: String(e.stack).split('\n') }
        : { ename: 'Uncaught', evalue: util.inspect(e), traceback: [`Uncaught ${util.inspect(e)}`] }),
    };
  }
  return outputs;
}

/** The console tslab's executor is given: `log` gets a cell's last value, `error` a thrown value or a compiler message. */
const executorConsole = {
  log(value) {
    if (!cell) { console.log(value); return; }
    if (cell.silent) return;
    let bundle;
    try {
      bundle = outputs.valueBundle(value);
    } catch (err) {
      process.stderr.write(`permafrost-lab kernel: the value could not be shown in full (${err.message})\n`);
      bundle = { data: { 'text/plain': util.inspect(value, INSPECT) }, metadata: {} };
    }
    if (bundle) cell.send('execute_result', { execution_count: cell.count, data: bundle.data, metadata: bundle.metadata });
  },
  error(...args) {
    if (!cell) { console.error(...args); return; }
    // tslab prints each compiler diagnostic as ("%s%d:%d - %s", file, line, column, message)
    if (args[0] === '%s%d:%d - %s') cell.diagnostics.push(util.format(...args));
    else cell.thrown = { value: args.length === 1 ? args[0] : util.format(...args) };
  },
};

/** The error a failed cell reports: its compiler messages, else what it threw. */
function cellError(failed) {
  if (failed.diagnostics.length) {
    return { ename: 'TypeScriptError', evalue: failed.diagnostics.join('; '), traceback: failed.diagnostics.map((d) => `TypeScriptError: ${d}`) };
  }
  if (failed.thrown) return outputs.errorOutput(failed.thrown.value);
  return { ename: 'Error', evalue: 'the cell failed', traceback: ['Error: the cell failed'] };
}

/** A cell that failed with stop_on_error: thrown so that tslab's queue cancels the requests behind it. */
class CellFailed {
  constructor(reply) { this.reply = reply; }
}

/**
 * Installs the changes on tslab's modules; call before tslab's startKernel.
 * @example install({ tslabDir, root }); require(path.join(tslabDir, 'dist', 'main.js')).startKernel({ configPath, enableFindLocal: false })
 */
function install({ tslabDir, root }) {
  const dist = (name) => require(path.join(tslabDir, 'dist', name));
  const jupyter = dist('jupyter.js');
  const executorModule = dist('executor.js');
  const { TaskCanceledError, getVersion } = dist('util.js');
  const ts = require(require.resolve('@tslab/typescript-for-tslab', { paths: [tslabDir] }));
  const { JupyterHandlerImpl: Handler, ZmqServer: Server } = jupyter;

  const createExecutor = executorModule.createExecutor;
  executorModule.createExecutor = (rootDir, convs) => createExecutor(rootDir, convs, executorConsole);

  const kernelInfo = Handler.prototype.handleKernel;
  Handler.prototype.handleKernel = function () {
    const reply = kernelInfo.call(this);
    return {
      status: 'ok', ...reply, implementation_version: getVersion(),
      language_info: { ...reply.language_info, version: ts.version },
      banner: `TypeScript ${ts.version} (tslab ${getVersion()}, Node.js ${process.version}) with permafrost-lab`,
      help_links: [{ text: 'permafrost-lab', url: pathToFileURL(path.join(root, 'README.md')).href }],
    };
  };

  Handler.prototype.handleShutdown = (req) => ({ status: 'ok', restart: !!req.restart });

  const isComplete = Handler.prototype.handleIsComplete;
  Handler.prototype.handleIsComplete = function (req) {
    const reply = isComplete.call(this, req);
    if (reply.status !== 'complete') return reply;
    const parsed = ts.createSourceFile('cell.ts', req.code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
    return parsed.parseDiagnostics && parsed.parseDiagnostics.length ? { status: 'invalid' } : reply;
  };

  Handler.prototype.handleExecute = async function (req, writeStream, writeDisplayData, send) {
    try {
      return await this.execQueue.add(() => runCell(this, req, writeStream, writeDisplayData, send));
    } catch (e) {
      if (e instanceof CellFailed) {
        // the requests that came with this one (Run All) are aborted; the queue takes new ones 50 ms
        // later. tslab waited 200 ms, which also aborted a client's next request sent on receiving this
        // reply (jupyter_kernel_test: test_error, then the next test's request, 1 run in 12);
        // resetting after the waiting messages were read (two event-loop turns, ipykernel's 0 s)
        // let some requests of a Run All through (1 run in 7): zeromq.js reads them over a few turns.
        this.execQueue.reset(ABORT_WINDOW_MS);
        return e.reply;
      }
      if (e instanceof TaskCanceledError) return { status: 'abort' };
      console.error('unexpected error:', e);
      return { status: 'error', ename: 'KernelError', evalue: String(e), traceback: [String(e)] };
    }
  };

  async function runCell(handler, req, writeStream, writeDisplayData, send) {
    const toStream = (name) => (chunk) => { writeStream(name, typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')); return true; };
    // output written after the cell ends (timers, promises) still goes to this cell, as in Python kernels
    process.stdout.write = toStream('stdout');
    process.stderr.write = toStream('stderr');
    jupyter.lastWriteDisplayData = writeDisplayData;
    const silent = !!req.silent;
    const count = silent || req.store_history === false ? handler.execCount : ++handler.execCount;
    if (!silent) send('execute_input', { code: req.code, execution_count: count });
    await loadOutputs(root);
    const running = { count, silent, send, diagnostics: [], thrown: null };
    cell = running;
    const ok = await handler.executor.execute(req.code);
    if (ok) return { status: 'ok', execution_count: count, payload: [], user_expressions: {} };
    const error = cellError(running);
    if (!silent) send('error', error);
    const reply = { status: 'error', execution_count: count, ...error };
    if (req.stop_on_error === false) return reply;
    throw new CellFailed(reply);
  }

  Server.prototype.handleExecute = async function (sock, msg) {
    const send = (type, content) => {
      const out = msg.createReply();
      out.header.msg_type = type;
      out.content = content;
      out.signAndSend(this.connInfo.key, this.iopub);
    };
    const writeStream = (name, text) => send('stream', { name, text });
    const writeDisplayData = (data, update) => send(update ? 'update_display_data' : 'display_data', data);
    const reply = msg.createReply();
    reply.header.msg_type = 'execute_reply';
    reply.content = await this.handler.handleExecute(msg.content, writeStream, writeDisplayData, send);
    reply.signAndSend(this.connInfo.key, sock);
  };

  // tslab answered comm_info_request with a message typed complete_reply
  Server.prototype.handleCommInfoRequest = function (sock, msg) {
    const reply = msg.createReply();
    reply.header.msg_type = 'comm_info_reply';
    reply.content = { status: 'ok', comms: {} };
    reply.signAndSend(this.connInfo.key, sock);
  };
}

module.exports = { install };
