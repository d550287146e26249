"""Engine-agnostic mechanisms: the alignment research stock and governance capacity.

They are step functions over whole sample arrays, so any engine can advance them inside its
time loop (where they feed back into the pause, e.g. a lift conditional on alignment) and the
same code integrates them after the fact for an engine that does not.
"""
