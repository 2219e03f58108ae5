"""Solvers: each declares what it needs (requirements.py); choose.py picks one by table."""
