import gc

from services.credit.bootstrap import SERVICE
from shared.cli import main

# The credit API's requests wait on the database in batches, so under load hundreds of
# objects per request are alive whenever the cyclic collector runs: with the defaults it
# promoted them into full passes over the whole heap (~130k objects, ~50 ms each) every
# few hundred checks, a fifth of the check's CPU. What is imported by now lives as long as
# the process: freeze it; and collect the young generation less often, so a request's
# objects are mostly gone by then (docs/benchmarks.md, "Credit check").
gc.collect()
gc.freeze()
gc.set_threshold(10_000)
main(SERVICE)
