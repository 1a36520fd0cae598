"""A program's own SIGTERM handler is the program's: one it installs while a
context is open is still installed when the context closes. The SDK's own
handler goes with the last context."""

import signal
import unittest

from pushtune.testing import FakeMaster

from .support import open_context


class OwnSigtermHandlerTest(unittest.TestCase):
    def setUp(self):
        self.addCleanup(signal.signal, signal.SIGTERM, signal.getsignal(signal.SIGTERM))
        signal.signal(signal.SIGTERM, signal.SIG_DFL)

    def test_a_handler_the_program_installs_after_init_stays_when_the_context_closes(self):
        ctx = open_context(FakeMaster(ops=[10]), handle_sigterm=True)
        self.assertIsNot(signal.getsignal(signal.SIGTERM), signal.SIG_DFL)  # the SDK's

        def own(signum, frame):
            pass

        signal.signal(signal.SIGTERM, own)  # a framework's, say
        ctx.close()
        self.assertIs(signal.getsignal(signal.SIGTERM), own)

    def test_the_sdk_s_handler_goes_when_its_last_context_closes(self):
        first = open_context(FakeMaster(ops=[10]), handle_sigterm=True)
        second = open_context(FakeMaster(ops=[10]), handle_sigterm=True)
        first.close()
        self.assertIsNot(signal.getsignal(signal.SIGTERM), signal.SIG_DFL)
        second.close()
        self.assertIs(signal.getsignal(signal.SIGTERM), signal.SIG_DFL)


if __name__ == "__main__":
    unittest.main()
