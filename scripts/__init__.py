"""Developer scripts (`python -m scripts.demo`)."""
