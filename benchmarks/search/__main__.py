import sys

from benchmarks.search.run import main

sys.exit(main())
