"""The I/O edges: IMAP watcher, SMTP sender, SQLite store, scheduler. Each thin, each replaceable."""
