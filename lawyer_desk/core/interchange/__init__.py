"""Interchange formats: the case JSON file and INTERPOL public notices."""
