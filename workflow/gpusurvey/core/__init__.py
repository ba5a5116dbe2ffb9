"""The contract between the two halves and the primitives both use: the measurement record and
its schema, errors, atomic writes, names, rounding, the GPU catalogue and this machine's name.
Imports nothing from the rest of the package but ``gpusurvey.registry``."""
