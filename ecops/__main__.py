import sys

from ecops.cli import main

sys.exit(main())
