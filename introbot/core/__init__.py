"""The pure core: parse, classify, step the consent workflow, render. No sockets, no SQLite, no clock."""
