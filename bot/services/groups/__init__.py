"""Team groups: a company's chat with several members."""
