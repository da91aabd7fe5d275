import sys

from victoria_demand.cli import main

sys.exit(main())
