"""Presenting values: text tables, palette formats and pictures (swatches, grids).

Works on plain values (arrays, strings, numbers), so that the result types above it can
present themselves through it.
"""
