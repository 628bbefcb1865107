"""`python -m flows` is the `news-etl` command, for an environment where the script is not on the PATH. It goes
through `flows.main`, which turns a NEWS_ETL_* setting that cannot be used into one line instead of a traceback."""

from flows import main

main()
