#!/usr/bin/env python
from dualprev.cli import main

if __name__ == "__main__":
    main()
