"""Dunning's service layer: each function is one transaction's worth of work (facts: the
consumed facts; ladder: the steps; deliveries: the message dispatcher; policies; collection:
the collectors' work; legal)."""
