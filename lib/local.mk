# lib/: (filled in as the code lands)
