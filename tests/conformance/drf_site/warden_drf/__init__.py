"""warden's own Django REST Framework site: the behaviour the conformance suite compares with."""
