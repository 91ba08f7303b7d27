"""minnet: a from-scratch neural-network library for learning."""
