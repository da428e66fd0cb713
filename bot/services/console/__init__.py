"""The operators' console: sign-in, the roster of operators, the portfolio board, reads off the
event loop, CSV cells."""
