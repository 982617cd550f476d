"""Run `samenspraak run` under cProfile: `BENCH_PROFILE=/tmp/bot.prof python benchmarks/throughput.py`.

`python -m cProfile` writes nothing when the program ends by SystemExit; this writes the profile in any case, once
the bot has stopped (stop() in common.py waits longer for it). Read it with
`python -c "import pstats; pstats.Stats('/tmp/bot.prof').sort_stats('tottime').print_stats(40)"`.
"""

from __future__ import annotations

import cProfile
import os
import runpy
import sys

if __name__ == "__main__":
    sys.argv = ["samenspraak", "run"]
    profile = cProfile.Profile()
    profile.enable()
    try:
        runpy.run_module("bot", run_name="__main__")
    finally:
        profile.disable()
        profile.dump_stats(os.environ["BENCH_PROFILE"])
