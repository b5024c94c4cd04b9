"""``labelchain doctor``: a preflight of an AWS account (or the sandbox) before and after a deploy.

Pure rules (:mod:`.rules`, :mod:`.stack_rules`, :mod:`.regions`) decide; adapters with injected clients
(:mod:`.checks`, :mod:`.stack_checks`) ask AWS; :mod:`.run` orders the checks; :mod:`.report` prints them.
"""
