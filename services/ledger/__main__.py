from services.ledger.bootstrap import SERVICE
from shared.cli import main

main(SERVICE)
