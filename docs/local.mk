# docs/: (filled in as the code lands)
