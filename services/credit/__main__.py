import gc

from services.credit.bootstrap import SERVICE
from shared.cli import main

# What is imported by now (the frameworks, the models, the routes' schemas: ~130k objects)
# lives as long as the process. Freezing it keeps the cyclic collector's full passes from
# walking it again every few hundred credit checks, about a sixth of the check's CPU under
# load (docs/benchmarks.md, "Credit check").
gc.collect()
gc.freeze()
main(SERVICE)
