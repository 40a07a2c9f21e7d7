from services.dunning.bootstrap import SERVICE
from shared.cli import main

main(SERVICE)
