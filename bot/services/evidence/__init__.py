"""The evidence locker: documents a step asks for, received, kept and reviewed."""
