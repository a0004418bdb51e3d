"""trueup's end-to-end suite: test hosts in network namespaces, a real app, real faults."""
