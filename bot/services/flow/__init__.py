"""The certification walk: the flow file, its engine, a chat's progress and its moves, the
flow's versions."""
