"""One module per instrument family; each module's docstring cites its sources."""
