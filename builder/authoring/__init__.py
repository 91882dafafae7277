"""Help for editors: ``summitry new``, ``summitry draft`` and ``summitry quote``."""
