from services.reporting.bootstrap import SERVICE
from shared.cli import main

main(SERVICE)
