"""The case on the right of the main window: one tab per part of the case file."""
