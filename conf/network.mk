# conf/: (filled in as the code lands)
