"""The offline demo (``make demo``, ``python -m demo``, ``labelchain demo``): the AWS blog's warm-start
experiment replayed through the deployed pipeline in the local sandbox (see :mod:`demo.main`).

The demo sits on top of both :mod:`sandbox` (the local AWS it deploys into) and :mod:`labelchain_cli` (the
operator's view: job watcher, chain records, report); neither of them imports it.
"""
