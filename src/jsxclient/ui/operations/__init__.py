"""Thin operations the widgets call inside tasks: one function per user
action, each a few lines over the store, the read queries or the sync
engine. They run on a worker thread and never touch a widget."""
