"""Briefs: what a document says (``snapshot``, built by ``briefs`` from the case and a template),
then how it is drawn (``render``, with ReportLab). Text in any script goes through ``scripts``."""
