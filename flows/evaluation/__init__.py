"""Evaluations over real labelled data in ../shared/datasets: they read it at run time and keep none of it."""
