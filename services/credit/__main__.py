from services.credit.bootstrap import SERVICE
from shared.cli import main

main(SERVICE)
