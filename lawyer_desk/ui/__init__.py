"""The desk: the Qt GUI. Only this package imports Qt widgets."""
