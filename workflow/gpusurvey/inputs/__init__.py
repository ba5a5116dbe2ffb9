"""The reporting half's inputs, loaded and checked before any output is written: the GPU
catalogue and errata, the survey's published rows, the measurement records, a cluster's GPUs."""
