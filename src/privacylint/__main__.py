import sys

from privacylint.cli import main

sys.exit(main())
