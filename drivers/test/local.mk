# drivers/test/: (filled in as the code lands)
