"""python -m strategikompas"""

from .cli import main

main()
