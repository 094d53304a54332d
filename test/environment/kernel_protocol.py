"""jupyter_kernel_test (Debian's python3-jupyter-kernel-test, the suite kernel authors use) against
the kernel `npm run setup` registers as `tslab`, with TypeScript samples; and a few checks of the
protocol that the suite leaves out. Run: python3 -m unittest -v test/environment/kernel_protocol.py
"""
import unittest

import jupyter_kernel_test
from jupyter_kernel_test.msgspec_v5 import validate_message


class TslabKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = 'tslab'
    language_name = 'typescript'
    file_extension = '.ts'

    code_hello_world = "console.log('hello, world')"
    code_stderr = "console.error('to stderr')"
    completion_samples = [{'text': 'Math.ma', 'matches': {'max'}}, {'text': "'abc'.toUpperC", 'matches': {'toUpperCase'}}]
    complete_code_samples = ['1', 'const x = 1;', "console.log('hi')", 'function f() { return 1 }']
    incomplete_code_samples = ['function f() {', 'const a = [1,', 'if (true) {']
    invalid_code_samples = ['const = 5', 'let 1x = 2;']
    code_inspect_sample = 'Math.max'
    code_generate_error = "throw new Error('boom')"
    code_execute_result = [
        {'code': '6 * 7', 'result': '42'},
        {'code': "'a' + 'b'", 'result': 'ab'},
        {'code': '[1, 2, 3].map((x) => x * 2)', 'result': '[ 2, 4, 6 ]'},
        {'code': "import * as aq from 'arquero';\naq.table({ site: ['a', 'b'], magt_c: [-1.5, 0.25] })", 'mime': 'text/html'},
        {'code': "({ data: [{ type: 'bar', y: [1, 2] }] })", 'mime': 'application/vnd.plotly.v1+json'},
    ]
    code_display_data = [
        {'code': "import { display } from 'tslab';\ndisplay.html('<b>bold</b>')", 'mime': 'text/html'},
        {'code': "import { show } from 'permafrost-lab';\nshow({ data: [{ type: 'bar', y: [1] }] }, { png: false })",
         'mime': 'application/vnd.plotly.v1+json'},
    ]

    def execute_outputs(self, code, **options):
        self.flush_channels()
        return self.execute_helper(code=code, **options)

    def test_kernel_info_content(self):
        self.flush_channels()
        msg_id = self.kc.kernel_info()
        reply = self.get_non_kernel_info_reply_or_info(msg_id)
        content = reply['content']
        self.assertEqual(content['status'], 'ok')
        self.assertEqual(content['implementation'], 'tslab')
        self.assertRegex(content['language_info']['version'], r'^5\.')  # the TypeScript inside tslab, not "3.7.2"

    def get_non_kernel_info_reply_or_info(self, msg_id):
        while True:
            reply = self.kc.get_shell_msg(timeout=jupyter_kernel_test.TIMEOUT)
            if reply['parent_header'].get('msg_id') == msg_id:
                validate_message(reply, 'kernel_info_reply', msg_id)
                return reply

    def test_execution_counts(self):
        """execute_input, execute_result and the reply carry one count, one more than the previous cell's."""
        first, _ = self.execute_outputs('1')
        reply, outputs = self.execute_outputs('2')
        self.assertEqual(reply['content']['execution_count'], first['content']['execution_count'] + 1)
        result = [m for m in outputs if m['msg_type'] == 'execute_result']
        self.assertEqual([m['content']['execution_count'] for m in result], [reply['content']['execution_count']])

    def test_error_message(self):
        """An error is an `error` message and an error reply, both with ename, evalue, traceback and the count."""
        reply, outputs = self.execute_outputs("throw new RangeError('too far')", stop_on_error=False)
        self.assertEqual(reply['content']['status'], 'error')
        self.assertEqual(reply['content']['ename'], 'RangeError')
        self.assertEqual(reply['content']['evalue'], 'too far')
        self.assertIsInstance(reply['content']['execution_count'], int)
        self.assertEqual([m['msg_type'] for m in outputs], ['error'])
        self.assertEqual(outputs[0]['content']['traceback'][0], 'RangeError: too far')

    def test_no_abort_without_stop_on_error(self):
        """After a failing request that says stop_on_error=False, the next request runs at once."""
        self.execute_outputs("throw new Error('first')", stop_on_error=False)
        reply, outputs = self.execute_helper(code='40 + 2')
        self.assertEqual(reply['content']['status'], 'ok')
        self.assertEqual([m['content']['data']['text/plain'] for m in outputs if m['msg_type'] == 'execute_result'], ['42'])

    def test_run_all_after_error(self):
        """Requests sent together behind a failing one (Run All) are aborted; one sent after its reply runs."""
        self.flush_channels()
        ids = [self.kc.execute(code) for code in ["throw new Error('stop here')", '1', '2']]
        replies = {}
        while len(replies) < 3:
            reply = self.kc.get_shell_msg(timeout=jupyter_kernel_test.TIMEOUT)
            if reply['parent_header'].get('msg_id') in ids:
                replies[reply['parent_header']['msg_id']] = reply['content']['status']
        self.assertEqual([replies[i] for i in ids], ['error', 'abort', 'abort'])
        reply, _ = self.execute_outputs('3')
        self.assertEqual(reply['content']['status'], 'ok')

    def test_undefined_shows_nothing(self):
        reply, outputs = self.execute_outputs('const unseen = 5;\nundefined')
        self.assertEqual(reply['content']['status'], 'ok')
        self.assertEqual(outputs, [])

    def test_comm_info_reply(self):
        self.flush_channels()
        msg_id = self.kc.comm_info()
        reply = self.get_non_kernel_info_reply(timeout=jupyter_kernel_test.TIMEOUT)
        validate_message(reply, 'comm_info_reply', msg_id)


if __name__ == '__main__':
    unittest.main()
