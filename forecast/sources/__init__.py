"""Readers for the original research files and the case builder."""
